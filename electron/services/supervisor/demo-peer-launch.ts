import { osEnvironment } from './child-env';
import { isHttpOk } from './http-check';
import type { LaunchSpec } from './managed-process';
import { freePort } from './ports';
import type { RelayResources } from './relay-resources';

export interface DemoPeerPorts {
  readonly p2p: number;
  readonly http: number;
}

/** The embedded regtest peer's spawn on two free ports, ready once its /tip answers. */
export async function demoPeerLaunch(
  resources: RelayResources,
  intervalSeconds: number,
  /** Where the demo peer keeps its chain, so heights continue across restarts; null: memory only. */
  chainFile: string | null,
): Promise<{ spec: LaunchSpec; ports: DemoPeerPorts }> {
  const p2p = await freePort();
  const httpPort = await freePort();
  const spec: LaunchSpec = {
    command: resources.execPath,
    args: [
      resources.demoPeerScript,
      '--port',
      String(p2p),
      '--http-port',
      String(httpPort),
      '--interval',
      String(intervalSeconds),
      ...(chainFile ? ['--chain-file', chainFile] : []),
    ],
    env: { ...osEnvironment(), ELECTRON_RUN_AS_NODE: '1', SPRINT_PARENT_WATCH: '1' },
    isReady: () => isHttpOk(`http://127.0.0.1:${httpPort}/tip`),
  };
  return { spec, ports: { p2p, http: httpPort } };
}
