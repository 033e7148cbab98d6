import { spawn, type ChildProcess } from 'node:child_process';
import type { LaunchSpec } from './supervision-types';

/**
 * Spawns and resolves once the OS started it, or with the error: ENOENT and EACCES arrive as an
 * 'error' event, E2BIG (an environment too large for exec) is thrown at once.
 */
export function spawnChild(spec: LaunchSpec): Promise<ChildProcess | Error> {
  let child: ChildProcess;
  try {
    child = spawn(spec.command, [...spec.args], {
      env: spec.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      // Its own process group, so a stop can signal every process the relay started.
      detached: process.platform !== 'win32',
      windowsHide: true,
    });
  } catch (error) {
    return Promise.resolve(error instanceof Error ? error : new Error(String(error)));
  }
  return new Promise((resolve) => {
    child.once('spawn', () => resolve(child));
    child.once('error', (error) => resolve(error));
  });
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** How long an exited process's pipes may take to deliver its last lines before the exit is handled. */
const OUTPUT_DRAIN_MS = 250;

/**
 * Calls `handler` once the child has exited and its output has been read. 'exit' can come before
 * the pipes have delivered the last lines (the reason for a config error); so wait for 'close',
 * bounded, since a grandchild may hold the pipes open. The handler may be called twice; callers
 * guard against that.
 */
export function onceExited(
  child: ChildProcess,
  handler: (code: number | null, signal: NodeJS.Signals | null) => void,
): void {
  child.once('exit', (code, signal) => {
    const drained = setTimeout(() => handler(code, signal), OUTPUT_DRAIN_MS);
    child.once('close', () => {
      clearTimeout(drained);
      handler(code, signal);
    });
  });
}
