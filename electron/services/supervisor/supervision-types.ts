import type { ExitInfo, RelayState } from '../../../shared/relay-status';

/** What a supervised process is given, how it is supervised, and what it reports. */

/** One concrete launch: prepared afresh for every start, so ports and plans are never stale. */
export interface LaunchSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  /** Resolves true once the process serves (polled); the contract's GET /ready. */
  readonly isReady: () => Promise<boolean>;
  /** Optional deeper check while running: a reason string means degraded (e.g. upstream down). */
  readonly degradedReason?: () => Promise<string | null>;
  /** True while the process says it is still starting with progress (a relay syncing headers): the ready deadline waits. */
  readonly stillStarting?: () => boolean;
  /** Runs right after spawn, before readiness (Windows applies priority and affinity here). */
  readonly afterSpawn?: (pid: number) => Promise<void>;
  /** Runs once ready, before the state says so (reading back what the OS applied). */
  readonly afterReady?: (pid: number) => Promise<void>;
  /**
   * A process whose stdout is a protocol, not a log (the probe's JSON lines): each line goes here
   * instead of the log, split with this bound on one line's length.
   */
  readonly stdout?: { readonly onLine: (line: string) => void; readonly maxLineLength: number };
}

export interface SupervisionPolicy {
  readonly backoffInitialMs: number;
  readonly backoffCapMs: number;
  readonly stableUptimeMs: number;
  readonly crashLoopCount: number;
  readonly crashLoopWindowMs: number;
  readonly stopTimeoutMs: number;
  readonly readyTimeoutMs: number;
  readonly readyPollMs: number;
  readonly healthPollMs: number;
  /**
   * Exit codes that mean "will not work if retried" (PM2's stop_exit_codes): the contract's exit 2
   * is a configuration error naming the variable, so restarting would only loop on it.
   */
  readonly stopExitCodes: readonly number[];
}

export const DEFAULT_POLICY: SupervisionPolicy = {
  backoffInitialMs: 250,
  backoffCapMs: 30_000,
  stableUptimeMs: 60_000,
  crashLoopCount: 5,
  crashLoopWindowMs: 120_000,
  stopTimeoutMs: 5000,
  readyTimeoutMs: 15_000,
  readyPollMs: 25,
  healthPollMs: 1000,
  stopExitCodes: [2],
};

export interface ProcessSnapshot {
  readonly state: RelayState;
  readonly pid: number | null;
  readonly startedAt: number | null;
  readonly restarts: number;
  readonly lastExit: ExitInfo | null;
  readonly message: string | null;
  readonly nextRestartAt: number | null;
  readonly stderrTail: string[];
}

export type SupervisorEvent =
  | { kind: 'spawned'; pid: number; argv: string[] }
  | { kind: 'ready'; pid: number; msToReady: number }
  | { kind: 'exited'; pid: number; code: number | null; signal: string | null; expected: boolean }
  | { kind: 'backoff'; delayMs: number; attempt: number }
  | { kind: 'crash-loop'; crashes: number; windowMs: number }
  | { kind: 'degraded'; reason: string }
  | { kind: 'spawn-failed'; message: string }
  | { kind: 'stopped-on-exit-code'; code: number; reason: string | null };
