/** The relay conformance check (issue 21): any binary against shared/relay-contract-spec.ts. */
export { runConformance } from './run';
export { contractEnvironment } from './running-relay';
export type { ConformanceOptions } from './run';
export { binaryCommand, bundledScript, findPromtool } from './commands';
export { formatTable } from './table';
export { readExposition } from './exposition';
export type { RelayCommand } from './relay-process';
