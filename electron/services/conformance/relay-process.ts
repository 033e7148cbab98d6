import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** A relay binary under test: spawned with exactly the environment given, its output kept (bounded). */

/** Lines kept per stream: enough to show why it failed, bounded whatever the binary prints. */
const MAX_LINES = 500;
const MAX_LINE_CHARS = 4000;

export interface RelayCommand {
  readonly command: string;
  readonly args: readonly string[];
  /** Added to every spawn (e.g. ELECTRON_RUN_AS_NODE for the built-in relay under Electron). */
  readonly env?: Readonly<Record<string, string>>;
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface RelayProcess {
  readonly child: ChildProcess;
  readonly stdout: string[];
  readonly stderr: string[];
  readonly exited: Promise<Exit>;
  /** Resolves with the exit, or null if it is still running after `ms`. */
  exitWithin(ms: number): Promise<Exit | null>;
  kill(): Promise<void>;
}

function keep(lines: string[], stream: NodeJS.ReadableStream | null): void {
  if (!stream) return;
  createInterface({ input: stream }).on('line', (line) => {
    if (lines.length >= MAX_LINES) lines.shift();
    lines.push(line.length > MAX_LINE_CHARS ? line.slice(0, MAX_LINE_CHARS) : line);
  });
}

/** PATH and the like only: nothing from the caller's shell (a GOGC there must not leak in). */
export function baseEnvironment(): Record<string, string> {
  const keepNames = ['PATH', 'HOME', 'TMPDIR', 'SYSTEMROOT', 'TEMP', 'TMP'];
  return Object.fromEntries(
    keepNames.flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]!]])),
  );
}

export function spawnRelay(command: RelayCommand, env: Readonly<Record<string, string>>): RelayProcess {
  const child = spawn(command.command, [...command.args], {
    env: { ...baseEnvironment(), ...command.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  keep(stdout, child.stdout);
  keep(stderr, child.stderr);
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (error) => {
      stderr.push(`cannot start: ${error.message}`);
      resolve({ code: null, signal: null });
    });
  });
  const exitWithin = (ms: number): Promise<Exit | null> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => resolve(null), ms);
      void exited.then((exit) => {
        clearTimeout(timer);
        resolve(exit);
      });
    });
  return {
    child,
    stdout,
    stderr,
    exited,
    exitWithin,
    async kill() {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined)
        child.kill('SIGKILL');
      await exited;
    },
  };
}
