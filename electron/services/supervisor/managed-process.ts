import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { ApiError } from '../../../shared/api';
import type { ExitInfo, RelayState } from '../../../shared/relay-status';
import type { LogLine } from './parse-log-line';
import { attachOutput, ProcessOutput } from './process-output';
import { CrashWindow, decideAfterCrash } from './restart-policy';
import { killTree, terminateTree } from './kill-tree';
import { waitReady, watchHealth } from './readiness';
import { onceExited, spawnChild } from './spawn-child';
import {
  DEFAULT_POLICY,
  type LaunchSpec,
  type ProcessSnapshot,
  type SupervisionPolicy,
  type SupervisorEvent,
} from './supervision-types';

// Callers import these from here; they live in supervision-types.ts.
export { DEFAULT_POLICY } from './supervision-types';
export type { LaunchSpec, ProcessSnapshot, SupervisionPolicy, SupervisorEvent } from './supervision-types';

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
    if (generation !== this.generation) {
      // Stopped (or started again) while the spawn was under way: stop() found no child to end, so
      // this one belongs to nobody and would run untracked for ever. It has done nothing yet.
      killTree(spawned, 'SIGKILL');
      return this.snapshot();
    }
    const child = spawned;
    this.child = child;
    this.startedAt = Date.now();
    this.output = new ProcessOutput();
    attachOutput(child, this.name, this.output, (line) => this.emit('log', line), spec.stdout);
    onceExited(child, (code, signal) => this.onExit(child, generation, code, signal));
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

  /** Whether `generation`'s process is still the one running (not stopped or replaced). */
  private isCurrent(generation: number): boolean {
    return generation === this.generation && this.child !== null;
  }

  private waitReady(spec: LaunchSpec, generation: number): Promise<boolean> {
    return waitReady(spec, this.policy, () => this.isCurrent(generation));
  }

  private watchHealth(spec: LaunchSpec, generation: number): void {
    this.healthTimer = watchHealth(spec, () => this.policy.healthPollMs, {
      isCurrent: () => this.isCurrent(generation) && this.state !== 'stopping',
      onTimer: (timer) => (this.healthTimer = timer),
      onResult: (reason) => {
        if (reason === null && this.state === 'degraded') this.setState('running', null);
        if (reason !== null && this.state === 'running') {
          this.setState(
            'degraded',
            reason === 'not ready' ? 'The relay stopped answering GET /ready.' : reason,
          );
          this.emit('supervisor', { kind: 'degraded', reason });
        }
      },
    });
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
    const decision = decideAfterCrash({
      name: this.name,
      code,
      signal,
      crashCount,
      consecutiveCrashes: this.consecutiveCrashes,
      policy: this.policy,
      reason: this.output.reason(),
      tail: this.output.last(3).join(' | '),
    });
    if (decision.kind === 'backoff') this.nextRestartAt = now + decision.delayMs;
    this.emit('supervisor', decision.event);
    if (decision.kind !== 'backoff') {
      this.setState(decision.kind, decision.message);
      return;
    }
    const { delayMs } = decision;
    this.setState('backoff', decision.message);
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
    await terminateTree(child, this.policy.stopTimeoutMs, exited);
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
