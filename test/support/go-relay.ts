import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { buildGoRelay, goVersion } from '../../scripts/build-go-relay.mjs';
import { RELAY_ENV } from '../../shared/relay-contract';
import { Collector } from '../../relay/test-support/processes';

/**
 * The Go relay's tests need Debian's Go. In CI (`CI` set) a missing toolchain is a failure with a
 * clear message (buildGoRelay throws it); elsewhere the tests are skipped and say why.
 */
export const GO_VERSION = goVersion();
export const SKIP_WITHOUT_GO = GO_VERSION === null && !process.env.CI;
if (SKIP_WITHOUT_GO) {
  console.warn('Go relay tests skipped: no `go` on PATH (apt-get install golang-go to run them).');
}

let built: string | null = null;

/**
 * Builds dist/go-relay/sprint-relay once per test process (seconds warm, ~20 s with a cold cache).
 * SPRINT_GO_RELAY_BINARY runs the tests against a binary built elsewhere instead (`go build -race`).
 */
export function goRelayBinary(): string {
  built ??= process.env.SPRINT_GO_RELAY_BINARY ?? buildGoRelay();
  return built;
}

/** An independent check of the exposition format: Prometheus's own linter, when it is installed. */
export function promtoolCheck(text: string): { available: boolean; ok: boolean; output: string } {
  const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (result.error) return { available: false, ok: false, output: result.error.message };
  return { available: true, ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

export interface GoRelayProcess {
  readonly child: ChildProcess;
  readonly logs: Collector<Record<string, unknown>>;
  readonly stderr: string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the ports from the contract's stdout listening event. */
  readonly ports: Promise<{ apiPort: number; healthPort: number }>;
  kill(): Promise<void>;
  /** SIGTERM, as the panel stops it (the header store is flushed), then waits for the exit. */
  stop(): Promise<void>;
}

/** Spawns the built binary with only the given contract variables (nothing leaks from the shell). */
export function spawnGoRelay(
  env: Record<string, string>,
  stdin: 'pipe' | 'ignore' = 'ignore',
): GoRelayProcess {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !(Object.values(RELAY_ENV) as string[]).includes(name)),
  );
  const child = spawn(goRelayBinary(), [], {
    env: { ...inherited, API_PORT: '0', LOG_FORMAT: 'json', ...env },
    stdio: [stdin, 'pipe', 'pipe'],
  });
  const logs = new Collector<Record<string, unknown>>();
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    stderr.push(line);
    try {
      logs.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // Not a log record (a Go panic or race report): kept in `stderr` for the failure message.
    }
  });
  const ports = new Promise<{ apiPort: number; healthPort: number }>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const event = JSON.parse(line) as { event?: string; apiPort: number; healthPort: number };
      if (event.event === 'listening') resolve(event);
    });
    child.once('exit', (code) => reject(new Error(`exited ${code} before listening: ${stderr.join('\n')}`)));
  });
  // A startup-error test never awaits the ports; its rejection is expected there, not unhandled.
  ports.catch(() => undefined);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    logs,
    stderr,
    exited,
    ports,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
