import { ApiError } from '../../../shared/api/api-error';
import { CLAUSE_IDS, type ConformanceProgress, type ConformanceReport } from '../../../shared/conformance';
import type { RelayResources } from '../supervisor/relay-resources';
import { binaryCommand, findPromtool } from './commands';
import { runConformance } from './run';

/**
 * The API side of "Check this binary": the configured (or given) executable against the contract,
 * with the panel's own demo peer as the test peer; each clause is reported as it finishes.
 */
export async function checkRelayBinary(
  binary: string | null,
  resources: RelayResources,
  onProgress: (progress: ConformanceProgress) => void,
): Promise<ConformanceReport> {
  if (binary === null) {
    throw new ApiError(
      'RELAY_BINARY_MISSING',
      'No external binary is set: choose its path first, then check it.',
    );
  }
  let relay;
  try {
    relay = binaryCommand(binary);
  } catch (error) {
    throw new ApiError('RELAY_BINARY_MISSING', error instanceof Error ? error.message : String(error));
  }
  let done = 0;
  return runConformance({
    relay,
    label: binary,
    peer: {
      command: resources.execPath,
      args: [resources.demoPeerScript],
      env: { ELECTRON_RUN_AS_NODE: '1' },
    },
    promtool: findPromtool(),
    onResult: (result) => onProgress({ binary, result, done: ++done, total: CLAUSE_IDS.length }),
  });
}
