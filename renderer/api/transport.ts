import type { ApiErrorShape } from '../../shared/api';

/** What the api client needs from a transport; it knows nothing else of IPC or WebSocket. */
export interface Transport {
  call(
    method: string,
    params: unknown,
    signal?: AbortSignal,
  ): Promise<{ result: unknown } | { error: ApiErrorShape }>;
  onEvent(listener: (event: string, payload: unknown) => void): () => void;
  onConnection(listener: (connected: boolean) => void): () => void;
}

/** The surface the Electron preload exposes on window.sprint. */
export interface SprintBridge {
  commands: Record<
    string,
    (params: unknown, requestId?: string) => Promise<{ result: unknown } | { error: ApiErrorShape }>
  >;
  cancel(requestId: string): void;
  onEvent(listener: (envelope: { event: string; payload: unknown }) => void): () => void;
}

declare global {
  interface Window {
    sprint?: SprintBridge;
  }
}
