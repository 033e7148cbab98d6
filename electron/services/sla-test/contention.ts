import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';

export interface ContentionOptions {
  readonly execPath: string;
  /** The bundled busy-loop script (dist/relay/busy.mjs). */
  readonly script: string;
  /** Processes per core; the SLA test uses 2. */
  readonly perCore?: number;
  /** Hard upper bound each process enforces on itself, whatever happens to us. */
  readonly maxSeconds?: number;
}

/**
 * Bounded CPU contention: 2 busy processes per core at normal priority, started together and always
 * stopped together. Each one also stops itself when we die or after maxSeconds.
 */
export class CpuContention {
  private children: ChildProcess[] = [];

  constructor(private readonly options: ContentionOptions) {}

  get pids(): number[] {
    return this.children.flatMap((child) => (child.pid === undefined ? [] : [child.pid]));
  }

  async start(): Promise<number> {
    const count = (this.options.perCore ?? 2) * os.availableParallelism();
    const maxSeconds = String(this.options.maxSeconds ?? 900);
    this.children = Array.from({ length: count }, () =>
      spawn(this.options.execPath, [this.options.script, '--max-seconds', maxSeconds], {
        stdio: ['pipe', 'ignore', 'ignore'],
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
        windowsHide: true,
      }),
    );
    await Promise.all(
      this.children.map(
        (child) =>
          new Promise<void>((resolve, reject) => {
            child.once('spawn', () => resolve());
            child.once('error', reject);
          }),
      ),
    );
    return count;
  }

  /** Stops every busy process and resolves once all have exited; safe to call more than once. */
  async stop(): Promise<void> {
    const children = this.children;
    this.children = [];
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
  }
}
