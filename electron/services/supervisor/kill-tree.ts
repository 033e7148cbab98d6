import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Signals a child and everything it started. POSIX children are spawned detached (their own process
 * group), so signalling -pid reaches the whole group; Windows has no groups or SIGTERM, so the tree
 * is ended with taskkill /T /F.
 */
export function killTree(child: ChildProcess, signal: 'SIGTERM' | 'SIGKILL'): void {
  const pid = child.pid;
  if (pid === undefined) return;
  if (process.platform === 'win32') {
    spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { windowsHide: true, stdio: 'ignore' }).on(
      'error',
      () => child.kill(),
    );
    return;
  }
  try {
    process.kill(-pid, signal);
  } catch {
    // The group may already be gone (ESRCH); fall back to the child itself.
    try {
      child.kill(signal);
    } catch {
      // Already exited: nothing left to signal.
    }
  }
}

/** Graceful stop: SIGTERM to the tree, SIGKILL if it has not exited after `timeoutMs`. */
export async function terminateTree(
  child: ChildProcess,
  timeoutMs: number,
  exited: Promise<void>,
): Promise<void> {
  killTree(child, 'SIGTERM');
  const timer = setTimeout(() => killTree(child, 'SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}
