import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { RELAY_ENV } from '../../shared/relay-contract';

// From source (relay/test-support) and from the bench bundle (dist/bench) the repo is two levels up;
// a bundle placed elsewhere falls back to the working directory.
const ROOT =
  [fileURLToPath(new URL('../../', import.meta.url)), `${process.cwd()}/`].find((dir) =>
    existsSync(`${dir}scripts/build.mjs`),
  ) ?? `${process.cwd()}/`;
export const BUILT = {
  relay: `${ROOT}dist/relay/relay.mjs`,
  demoPeer: `${ROOT}dist/relay/demo-peer.mjs`,
  hostilePeer: `${ROOT}dist/test/hostile-peer.mjs`,
} as const;

export type LogRecord = Record<string, unknown> & { level: string; message: string };

/**
 * Collects items as they arrive and lets a test await a condition on them: the event-driven
 * replacement for "sleep, then check".
 */
export class Collector<T> {
  readonly items: T[] = [];
  private waiters: Array<{ pred: (items: T[]) => boolean; resolve: () => void }> = [];

  push(item: T): void {
    this.items.push(item);
    this.waiters = this.waiters.filter((w) => {
      if (!w.pred(this.items)) return true;
      w.resolve();
      return false;
    });
  }

  until(pred: (items: T[]) => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    if (pred(this.items)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} (have ${this.items.length})`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push({ pred, resolve: done });
    });
  }

  /** Resolves with the first item matching, already seen or still to come. */
  async find(pred: (item: T) => boolean, what: string, timeoutMs?: number): Promise<T> {
    await this.until((items) => items.some(pred), what, timeoutMs);
    const hit = this.items.find(pred);
    if (hit === undefined) throw new Error(`unreachable: ${what}`);
    return hit;
  }
}

export interface Spawned {
  readonly child: ChildProcess;
  /** JSON lines from stdout (the listening event). */
  readonly stdout: Collector<Record<string, unknown>>;
  /** JSON log lines from stderr. */
  readonly logs: Collector<LogRecord>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

function tapJsonLines<T>(stream: NodeJS.ReadableStream | null, into: Collector<T>, raw?: string[]): void {
  if (!stream) return;
  createInterface({ input: stream }).on('line', (line) => {
    raw?.push(line);
    try {
      into.push(JSON.parse(line) as T);
    } catch {
      // Non-JSON output is kept in `raw` for failure messages, never parsed.
    }
  });
}

/** The contract variables are scrubbed from the inherited environment so a developer's shell cannot leak in. */
function baseEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.values(RELAY_ENV)) delete env[name];
  delete env.LOG_LEVEL;
  return env;
}

export function spawnBuilt(
  script: string,
  args: readonly string[],
  env: Record<string, string>,
  stdin: 'pipe' | 'ignore' = 'ignore',
): Spawned & { rawStderr: string[] } {
  const child = spawn(process.execPath, [script, ...args], {
    env: { ...baseEnv(), ...env },
    stdio: [stdin, 'pipe', 'pipe'],
  });
  const stdout = new Collector<Record<string, unknown>>();
  const logs = new Collector<LogRecord>();
  const rawStderr: string[] = [];
  tapJsonLines(child.stdout, stdout);
  tapJsonLines(child.stderr, logs, rawStderr);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    stdout,
    logs,
    rawStderr,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

export async function listening(p: Spawned, timeoutMs = 10_000): Promise<Record<string, number>> {
  const line = await p.stdout.find((l) => l.event === 'listening', 'listening line', timeoutMs);
  return line as Record<string, number>;
}

export interface DemoPeer extends Spawned {
  p2pPort: number;
  httpPort: number;
}

export async function startDemoPeer(
  intervalSeconds = 0,
  extraArgs: readonly string[] = [],
): Promise<DemoPeer> {
  const p = spawnBuilt(
    BUILT.demoPeer,
    ['--port', '0', '--http-port', '0', '--interval', String(intervalSeconds), ...extraArgs],
    {},
  );
  const ports = await listening(p);
  return Object.assign(p, { p2pPort: ports.p2pPort ?? 0, httpPort: ports.httpPort ?? 0 });
}

export interface RelayProcess extends Spawned {
  apiPort: number;
  healthPort: number;
  healthPortUrl: string;
}

export async function startRelay(
  env: Record<string, string>,
  stdin: 'pipe' | 'ignore' = 'ignore',
): Promise<RelayProcess> {
  const p = spawnBuilt(BUILT.relay, [], { API_PORT: '0', LOG_FORMAT: 'json', ...env }, stdin);
  const ports = await listening(p);
  const healthPort = ports.healthPort ?? 0;
  return Object.assign(p, {
    apiPort: ports.apiPort ?? 0,
    healthPort,
    healthPortUrl: `http://127.0.0.1:${healthPort}`,
  });
}

/** Waits for exit, failing the test if the process outlives the deadline. */
export async function exitWithin(
  p: Spawned,
  ms: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`process still running after ${ms} ms`)), ms);
  });
  try {
    const result = await Promise.race([p.exited, deadline]);
    return { ...result, ms: Date.now() - started };
  } finally {
    clearTimeout(timer);
  }
}
