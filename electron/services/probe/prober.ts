import { nowMs } from '../../../shared/clock';
import { KeepAlivePool } from './http-client';
import {
  FixedRateSchedule,
  issueOk,
  type Clock,
  type Issue,
  type Sample,
  type StagedIssue,
  type Timers,
} from './schedule';

export const systemClock: Clock = { now: nowMs };
export const systemTimers: Timers = {
  set: (fn, delayMs) => setTimeout(fn, delayMs),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Concurrent sockets for slots that fall due while earlier ones are outstanding (schedule.ts). Past
 * this the pool queues, which the intended-time clock still charges. 8 covers a 200 ms stall at 50 Hz
 * without queueing while bounding what a probe can do to a dead relay.
 */
export const MAX_SOCKETS = 8;

/**
 * GET /v1/btc/latest over the probe's own keep-alive pool (http-client.ts; never the global fetch:
 * its pool, retries and lazy body handling are not ours to measure). A sample is good only for a 200
 * with the whole body read: a 503 (no block yet), 429 or 500 is an error, and errors are samples,
 * not exceptions.
 */
export function createLatestRequester(
  apiUrl: string,
  key: string,
  clock: Clock = systemClock,
): { issue: Issue; stage: StagedIssue; warm(): void; close(): void } {
  const url = new URL('/v1/btc/latest', apiUrl);
  const pool = new KeepAlivePool({
    host: url.hostname,
    port: Number(url.port || 80),
    path: url.pathname,
    headers: { 'x-api-key': key, accept: 'application/json' },
    maxSockets: MAX_SOCKETS,
    now: () => clock.now(),
  });
  const issue: Issue = (signal) =>
    pool.get(signal).then(({ status, at, ownMs }) => ({ ok: status === 200, at, ownMs }));
  const stage: StagedIssue = (signal) => {
    const send = pool.stage(signal);
    return () => send().then(({ status, at, ownMs }) => ({ ok: status === 200, at, ownMs }));
  };
  return { issue, stage, warm: () => pool.warm(), close: () => pool.destroy() };
}

export interface ProberOptions {
  readonly apiUrl: string;
  readonly key: string;
  readonly rateHz: number;
  readonly timeoutMs: number;
  /** Busy-wait before each send (schedule.ts); 0 or absent: timers only. */
  readonly spinMs?: number;
  readonly onSample: (sample: Sample) => void;
  /** The relay served its first block and the schedule started, slot 0 at `at`. */
  readonly onSampling?: (at: number) => void;
  readonly clock?: Clock;
  readonly timers?: Timers;
  /** For tests: replaces the HTTP transport. */
  readonly issue?: Issue;
}

/**
 * Waits until the relay serves a block (GET /latest answers 503 before the first one), then runs the
 * fixed schedule. The warm-up is unrecorded on purpose: before the first block there is nothing to
 * serve, and counting those seconds would fail every fresh start of a 99.9% tier. From the first 200
 * on, every slot is a sample, including 503s if the relay later loses its block.
 */
export class Prober {
  private readonly clock: Clock;
  private readonly timers: Timers;
  private readonly requester: { issue: Issue; stage?: StagedIssue; warm?: () => void; close(): void };
  private schedule: FixedRateSchedule | null = null;
  private warmTimer: unknown = null;
  private warmAbort: AbortController | null = null;
  private stopped = false;

  constructor(private readonly o: ProberOptions) {
    this.clock = o.clock ?? systemClock;
    this.timers = o.timers ?? systemTimers;
    this.requester = o.issue
      ? { issue: o.issue, close: () => undefined }
      : createLatestRequester(o.apiUrl, o.key, this.clock);
  }

  get sampling(): boolean {
    return this.schedule !== null;
  }

  start(): void {
    this.warmUp();
  }

  stop(): void {
    this.stopped = true;
    if (this.warmTimer !== null) this.timers.clear(this.warmTimer);
    this.warmAbort?.abort();
    this.schedule?.stop();
    this.requester.close();
  }

  private warmUp(): void {
    if (this.stopped) return;
    const controller = new AbortController();
    this.warmAbort = controller;
    const deadline = this.timers.set(() => controller.abort(), this.o.timeoutMs);
    const retry = (): void => {
      this.timers.clear(deadline);
      if (this.stopped) return;
      this.warmTimer = this.timers.set(() => this.warmUp(), Math.max(100, 1000 / this.o.rateHz));
    };
    this.requester.issue(controller.signal).then((result) => {
      this.timers.clear(deadline);
      if (!issueOk(result)) return retry();
      if (!this.stopped) this.startSchedule();
    }, retry);
  }

  private startSchedule(): void {
    const interval = 1000 / this.o.rateHz;
    // Slots on the rate's grid of wall-clock time, so at 10 Hz each second holds exactly 10 slots.
    const startAt = Math.ceil(this.clock.now() / interval) * interval;
    this.schedule = new FixedRateSchedule({
      rateHz: this.o.rateHz,
      timeoutMs: this.o.timeoutMs,
      startAt,
      clock: this.clock,
      timers: this.timers,
      issue: this.requester.issue,
      onSample: this.o.onSample,
      spinMs: this.o.spinMs ?? 0,
      stage: this.requester.stage,
      warm: this.requester.warm,
    });
    this.o.onSampling?.(startAt);
    this.schedule.start();
  }
}
