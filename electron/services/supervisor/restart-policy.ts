import { exponentialDelay } from '../../../shared/backoff';
import type { SupervisionPolicy, SupervisorEvent } from './supervision-types';

/** Counts crashes inside a sliding time window (PM2's "max restarts within"). */
export class CrashWindow {
  private times: number[] = [];
  constructor(public windowMs: number) {}

  /** Records a crash at `now` and returns how many fall inside the window, this one included. */
  record(now: number): number {
    this.times.push(now);
    this.times = this.times.filter((time) => now - time < this.windowMs);
    return this.times.length;
  }

  clear(): void {
    this.times = [];
  }
}

export interface CrashFacts {
  readonly name: string;
  readonly code: number | null;
  readonly signal: string | null;
  /** Crashes inside the policy's window, this one included. */
  readonly crashCount: number;
  /** Crashes since the process last stayed up for the stable uptime, this one included. */
  readonly consecutiveCrashes: number;
  readonly policy: SupervisionPolicy;
  /** The process's own last error line, when it gave one. */
  readonly reason: string | null;
  /** Its last few output lines, joined. */
  readonly tail: string;
}

export type CrashDecision =
  | { kind: 'stopped' | 'crash-loop'; event: SupervisorEvent; message: string }
  | { kind: 'backoff'; event: SupervisorEvent; message: string; delayMs: number };

/**
 * After an unexpected exit: stop for good on an exit code a restart cannot fix, give up after too
 * many crashes in the window (crash loop), or restart after the backoff.
 */
export function decideAfterCrash(facts: CrashFacts): CrashDecision {
  const { name, code, signal, crashCount, policy, reason, tail } = facts;
  const exitText = signal ? `signal ${signal}` : `exit code ${code}`;
  if (code !== null && policy.stopExitCodes.includes(code)) {
    return {
      kind: 'stopped',
      event: { kind: 'stopped-on-exit-code', code, reason },
      message:
        `${name.charAt(0).toUpperCase()}${name.slice(1)} exited with code ${code}, an error a ` +
        `restart cannot fix, so it was not restarted${reason ? `: ${reason}` : ''}. Fix the cause and press Start.`,
    };
  }
  if (crashCount > policy.crashLoopCount) {
    return {
      kind: 'crash-loop',
      event: { kind: 'crash-loop', crashes: crashCount, windowMs: policy.crashLoopWindowMs },
      message:
        `${name} crashed ${crashCount} times within ${Math.round(policy.crashLoopWindowMs / 1000)} s ` +
        `(last: ${exitText})${tail ? `: ${tail}` : ''}. Restarting stopped; fix the cause and press Start.`,
    };
  }
  // The first restart (consecutiveCrashes 1) waits the initial delay.
  const delayMs = exponentialDelay(
    facts.consecutiveCrashes - 1,
    policy.backoffInitialMs,
    policy.backoffCapMs,
  );
  return {
    kind: 'backoff',
    event: { kind: 'backoff', delayMs, attempt: facts.consecutiveCrashes },
    message: `${name} exited unexpectedly (${exitText}); restarting in ${delayMs} ms.`,
    delayMs,
  };
}
