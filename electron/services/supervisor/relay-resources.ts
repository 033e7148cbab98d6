import path from 'node:path';

/** Where the bundled relay processes live: dist/relay in development, resources/relay when packaged. */
export interface RelayResources {
  /** Electron's own binary (run as Node) in the app; node in headless mode and tests. */
  readonly execPath: string;
  readonly relayScript: string;
  readonly demoPeerScript: string;
  /** The SLA probe (dist/relay/probe.mjs), run with the relay's priority plan. */
  readonly probeScript: string;
  /** The SLA test's CPU-contention process. */
  readonly busyScript: string;
}

/** The bundled processes in one folder, run by `execPath` (Electron as Node, or node). */
export function relayResources(dir: string, execPath = process.execPath): RelayResources {
  return {
    execPath,
    relayScript: path.join(dir, 'relay.mjs'),
    demoPeerScript: path.join(dir, 'demo-peer.mjs'),
    probeScript: path.join(dir, 'probe.mjs'),
    busyScript: path.join(dir, 'busy.mjs'),
  };
}
