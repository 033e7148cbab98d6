export declare const GO_RELAY_BINARY: string;
export declare class GoMissingError extends Error {}
export declare function goVersion(): string | null;
export declare function buildGoRelay(): string;
export declare function runGo(args: readonly string[]): string;
