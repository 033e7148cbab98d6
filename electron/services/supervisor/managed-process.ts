import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { ApiError } from '../../../shared/api';
import type { ExitInfo, RelayState } from '../../../shared/relay-status';
import { LineSplitter, parseLogLine, type LogLine } from './log-lines';
import { ProcessOutput } from './process-output';
import { exponentialDelay } from '../../../shared/backoff';
import { CrashWindow } from './restart-policy';
import { killTree } from './kill-tree';

/** One concrete launch: prepared afresh for every start, so ports and plans are never stale. */
export interface LaunchSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  /** Resolves true once the process serves (polled); the contract's GET /ready. */
  readonly isReady: () => Promise<boolean>;
  /** Optional deeper check while running: a reason string means degraded (e.g. upstream down). */
  readonly degradedReason?: () => Promise<string | null>;
  /** Runs right after spawn, before readiness (Windows applies priority and affinity here). */
  readonly afterSpawn?: (pid: number) => Promise<void>;
  /** Runs once ready, before the state says so (reading back what the OS applied). */
  readonly afterReady?: (pid: number) => Promise<void>;
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

/** How long an exited process's pipes may take to deliver its last lines before the exit is handled. */
const OUTPUT_DRAIN_MS = 250;

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

interface ManagedProcessEvents {
  state: [ProcessSnapshot];
  log: [LogLine];
  supervisor: [SupervisorEvent];
}

/**
 * Keeps one child process alive the way PM2 does: spawn, wait for readiness, restart on unexpected
 * exit with exponential backoff, give up (crash-loop) after too many crashes in a window, and stop
 * gracefully with SIGTERM then SIGKILL of the whole process group.
 */
export class ManagedProcess extends EventEmitter<ManagedProcessEvents> {
  private child: ChildProcess | null = null;
  private state: RelayState = 'stopped';
  private startedAt: number | null = null;
  private restarts = 0;
  private consecutiveCrashes = 0;
  private lastExit: ExitInfo | null = null;
  private message: string | null = null;
  private nextRestartAt: number | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private healthTimer: NodeJS.Timeout | null = null;
  private readonly crashes: CrashWindow;
  /** The current (or last) process's output; replaced at every spawn. */
  private output = new ProcessOutput();
  private exitWaiters: Array<() => void> = [];
  private readonly exitHandled = new WeakSet<ChildProcess>();
  /** Bumped by every start/stop so late callbacks from an older process are ignored. */
  private generation = 0;

  constructor(
    readonly name: string,
    private readonly prepare: () => Promise<LaunchSpec>,
    private policy: SupervisionPolicy = DEFAULT_POLICY,
  ) {
    super();
    this.crashes = new CrashWindow(policy.crashLoopWindowMs);
  }

  setPolicy(policy: SupervisionPolicy): void {
    this.policy = policy;
    this.crashes.windowMs = policy.crashLoopWindowMs;
  }

  snapshot(): ProcessSnapshot {
    return {
      state: this.state,
      pid: this.child?.pid ?? null,
      startedAt: this.startedAt,
      restarts: this.restarts,
      lastExit: this.lastExit,
      message: this.message,
      nextRestartAt: this.nextRestartAt,
      stderrTail: this.output.last(20),
    };
  }

  get isActive(): boolean {
    return this.state !== 'stopped' && this.state !== 'crash-loop';
  }

  /** Starts and resolves once ready (running) or degraded; rejects with an ApiError when it cannot. */
  async start(): Promise<ProcessSnapshot> {
    if (this.state === 'running' || this.state === 'degraded' || this.state === 'starting')
      return this.snapshot();
    this.clearRestartTimer();
    this.crashes.clear();
    this.consecutiveCrashes = 0;
    return this.launch();
  }

  private async launch(): Promise<ProcessSnapshot> {
    const generation = ++this.generation;
    this.nextRestartAt = null;
    this.setState('starting', null);
    let spec: LaunchSpec;
    try {
      spec = await this.prepare();
    } catch (error) {
      return this.failStart(error);
    }
    if (generation !== this.generation) return this.snapshot();

    const spawned = await spawnChild(spec);
    if (spawned instanceof Error) {
      return this.failStart(
        new ApiError('SPAWN_FAILED', `Could not start ${this.name} (${spec.command}): ${spawned.message}`, {
          code: (spawned as NodeJS.ErrnoException).code,
        }),
      );
    }
    const child = spawned;
    this.child = child;
    this.startedAt = Date.now();
    this.output = new ProcessOutput();
    this.attachOutput(child, this.output);
    child.once('exit', (code, signal) => {
      // 'exit' can come before the pipes have delivered the last lines (the reason for a config
      // error); wait for 'close', bounded, since a grandchild may hold the pipes open.
      const drained = setTimeout(() => this.onExit(child, generation, code, signal), OUTPUT_DRAIN_MS);
      child.once('close', () => {
        clearTimeout(drained);
        this.onExit(child, generation, code, signal);
      });
    });
    this.emit('supervisor', { kind: 'spawned', pid: child.pid ?? 0, argv: [spec.command, ...spec.args] });
    this.emitState();
    await spec.afterSpawn?.(child.pid ?? 0).catch(() => undefined);

    const ready = await this.waitReady(spec, generation);
    if (generation !== this.generation || this.child !== child) return this.snapshot();
    if (ready) {
      await spec.afterReady?.(child.pid ?? 0).catch(() => undefined);
      if (generation !== this.generation || this.child !== child) return this.snapshot();
      this.emit('supervisor', {
        kind: 'ready',
        pid: child.pid ?? 0,
        msToReady: Date.now() - (this.startedAt ?? 0),
      });
      this.setState('running', null);
    } else {
      this.setState('degraded', `Started but not ready after ${this.policy.readyTimeoutMs} ms (GET /ready).`);
    }
    this.watchHealth(spec, generation);
    return this.snapshot();
  }

  private failStart(error: unknown): ProcessSnapshot {
    const apiError = error instanceof ApiError ? error : new ApiError('SPAWN_FAILED', String(error));
    this.setState('stopped', apiError.message);
    this.emit('supervisor', { kind: 'spawn-failed', message: apiError.message });
    throw apiError;
  }

  private async waitReady(spec: LaunchSpec, generation: number): Promise<boolean> {
    const deadline = Date.now() + this.policy.readyTimeoutMs;
    while (Date.now() < deadline && generation === this.generation && this.child) {
      if (await spec.isReady().catch(() => false)) return true;
      await delay(this.policy.readyPollMs);
    }
    return false;
  }

  private watchHealth(spec: LaunchSpec, generation: number): void {
    const check = async (): Promise<void> => {
      if (generation !== this.generation || !this.child) return;
      const ready = await spec.isReady().catch(() => false);
      const reason = ready
        ? await (spec.degradedReason?.() ?? Promise.resolve(null)).catch(() => null)
        : 'not ready';
      if (generation !== this.generation || !this.child || this.state === 'stopping') return;
      if (reason === null && this.state === 'degraded') this.setState('running', null);
      if (reason !== null && this.state === 'running') {
        this.setState(
          'degraded',
          reason === 'not ready' ? 'The relay stopped answering GET /ready.' : reason,
        );
        this.emit('supervisor', { kind: 'degraded', reason });
      }
      this.healthTimer = setTimeout(() => void check(), this.policy.healthPollMs);
    };
    this.healthTimer = setTimeout(() => void check(), this.policy.healthPollMs);
  }

  private attachOutput(child: ChildProcess, output: ProcessOutput): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const splitter = new LineSplitter((text) => {
        const line = parseLogLine(this.name, stream, text);
        output.record(line);
        this.emit('log', line);
      });
      child[stream]?.on('data', (chunk: Buffer) => splitter.push(chunk));
      child[stream]?.on('end', () => splitter.flush());
    }
    // A child that exits while we write to its stdin must not crash the panel with EPIPE.
    child.stdin?.on('error', () => undefined);
  }

  private onExit(
    child: ChildProcess,
    generation: number,
    code: number | null,
    signal: NodeJS.Signals | null,
  ): void {
    if (this.exitHandled.has(child)) return;
    this.exitHandled.add(child);
    if (this.child === child) this.child = null;
    this.clearHealthTimer();
    const now = Date.now();
    const uptime = this.startedAt ? now - this.startedAt : 0;
    this.lastExit = { code, signal, at: now };
    this.startedAt = null;
    const expected = this.state === 'stopping' || generation !== this.generation;
    this.emit('supervisor', { kind: 'exited', pid: child.pid ?? 0, code, signal, expected });
    this.resolveExitWaiters();
    if (expected) {
      if (generation === this.generation) this.setState('stopped', null);
      return;
    }

    if (uptime >= this.policy.stableUptimeMs) this.consecutiveCrashes = 0;
    this.consecutiveCrashes++;
    const crashCount = this.crashes.record(now);
    const exitText = signal ? `signal ${signal}` : `exit code ${code}`;
    const reason = this.output.reason();
    if (code !== null && this.policy.stopExitCodes.includes(code)) {
      this.emit('supervisor', { kind: 'stopped-on-exit-code', code, reason });
      this.setState(
        'stopped',
        `${this.name.charAt(0).toUpperCase()}${this.name.slice(1)} exited with code ${code}, an error a ` +
          `restart cannot fix, so it was not restarted${reason ? `: ${reason}` : ''}. Fix the cause and press Start.`,
      );
      return;
    }
    if (crashCount > this.policy.crashLoopCount) {
      this.emit('supervisor', {
        kind: 'crash-loop',
        crashes: crashCount,
        windowMs: this.policy.crashLoopWindowMs,
      });
      const tail = this.output.last(3).join(' | ');
      this.setState(
        'crash-loop',
        `${this.name} crashed ${crashCount} times within ${Math.round(this.policy.crashLoopWindowMs / 1000)} s ` +
          `(last: ${exitText})${tail ? `: ${tail}` : ''}. Restarting stopped; fix the cause and press Start.`,
      );
      return;
    }
    // The first restart (consecutiveCrashes 1) waits the initial delay.
    const delayMs = exponentialDelay(
      this.consecutiveCrashes - 1,
      this.policy.backoffInitialMs,
      this.policy.backoffCapMs,
    );
    this.nextRestartAt = now + delayMs;
    this.emit('supervisor', { kind: 'backoff', delayMs, attempt: this.consecutiveCrashes });
    this.setState('backoff', `${this.name} exited unexpectedly (${exitText}); restarting in ${delayMs} ms.`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.restarts++;
      this.launch().catch(() => {
        // failStart already recorded the reason in the state; nothing else is waiting on this promise.
      });
    }, delayMs);
  }

  /** Graceful stop: SIGTERM to the group, SIGKILL after the stop timeout. Resolves once exited. */
  async stop(): Promise<ProcessSnapshot> {
    this.generation++;
    this.clearRestartTimer();
    this.clearHealthTimer();
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      this.child = null;
      this.setState('stopped', null);
      return this.snapshot();
    }
    this.setState('stopping', null);
    const exited = new Promise<void>((resolve) => this.exitWaiters.push(resolve));
    killTree(child, 'SIGTERM');
    const timer = setTimeout(() => killTree(child, 'SIGKILL'), this.policy.stopTimeoutMs);
    await exited;
    clearTimeout(timer);
    this.child = null;
    this.setState('stopped', null);
    return this.snapshot();
  }

  /** Immediate SIGKILL of the group, for process exit paths that cannot wait. */
  killNow(): void {
    this.generation++;
    this.clearRestartTimer();
    this.clearHealthTimer();
    if (this.child) killTree(this.child, 'SIGKILL');
  }

  private resolveExitWaiters(): void {
    const waiters = this.exitWaiters;
    this.exitWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private clearRestartTimer(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    this.nextRestartAt = null;
  }

  private clearHealthTimer(): void {
    if (this.healthTimer) clearTimeout(this.healthTimer);
    this.healthTimer = null;
  }

  private setState(state: RelayState, message: string | null): void {
    this.state = state;
    this.message = message;
    this.emitState();
  }

  private emitState(): void {
    this.emit('state', this.snapshot());
  }
}

/**
 * Spawns and resolves once the OS started it, or with the error: ENOENT and EACCES arrive as an
 * 'error' event, E2BIG (an environment too large for exec) is thrown at once.
 */
function spawnChild(spec: LaunchSpec): Promise<ChildProcess | Error> {
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

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
