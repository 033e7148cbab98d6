import { delay } from './spawn-child';
import type { LaunchSpec, SupervisionPolicy } from './supervision-types';

/** Polls the process's readiness until it answers, the deadline passes, or it is no longer current. */
export async function waitReady(
  spec: LaunchSpec,
  policy: Pick<SupervisionPolicy, 'readyTimeoutMs' | 'readyPollMs'>,
  isCurrent: () => boolean,
): Promise<boolean> {
  const deadline = Date.now() + policy.readyTimeoutMs;
  // A relay that reports progress (syncing headers) is still starting, not hung: the deadline waits.
  while ((Date.now() < deadline || spec.stillStarting?.()) && isCurrent()) {
    if (await spec.isReady().catch(() => false)) return true;
    await delay(policy.readyPollMs);
  }
  return false;
}

export interface HealthWatch {
  /** False once the process was stopped or replaced: the watch ends without reporting. */
  readonly isCurrent: () => boolean;
  /** null: ready and well; 'not ready'; or the spec's degraded reason. */
  readonly onResult: (reason: string | null) => void;
  /** Each re-armed timer, so the owner can clear the current one. */
  readonly onTimer: (timer: NodeJS.Timeout) => void;
}

/**
 * While the process runs: readiness, then the deeper degraded check, every poll interval (read
 * afresh, so a settings change applies at the next poll). Returns the first timer.
 */
export function watchHealth(spec: LaunchSpec, pollMs: () => number, watch: HealthWatch): NodeJS.Timeout {
  const check = async (): Promise<void> => {
    if (!watch.isCurrent()) return;
    const ready = await spec.isReady().catch(() => false);
    const reason = ready
      ? await (spec.degradedReason?.() ?? Promise.resolve(null)).catch(() => null)
      : 'not ready';
    if (!watch.isCurrent()) return;
    watch.onResult(reason);
    watch.onTimer(setTimeout(() => void check(), pollMs()));
  };
  return setTimeout(() => void check(), pollMs());
}
