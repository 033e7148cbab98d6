import { EventEmitter } from 'node:events';
import type {
  BlockRelayed,
  HistoryEvent,
  HistoryQueryInput,
  HistoryResult,
  MetricsTick,
  ProbeStatus,
} from '../../../shared/metrics';
import type { LaunchReport } from '../../../shared/launch';
import type { TierName } from '../../../shared/tiers';
import { HistoryStore } from '../history/history-store';
import type { RawSample, Retention } from '../history/types';
import type { ProbeProcess, ProbeState } from '../probe/probe-process';
import type { Aggregator } from './aggregator';
import { BreachTracker } from './breach-events';
import { startLiveProbe, type ProbeLaunch } from './live-probe';
import { TierWindows } from './tier-windows';
import { ResourceSampler } from './resource-sampler';

export interface MeasurementOptions {
  /** An open store, or the database path (opened here; may throw HistoryOpenError). */
  readonly history: HistoryStore | string;
  /** Node for the probe: Electron's binary (put ELECTRON_RUN_AS_NODE=1 in probeEnv) or node. */
  readonly execPath: string;
  /** dist/relay/probe.mjs */
  readonly probeScript: string;
  readonly rateHz: number;
  readonly retention: Retention;
  readonly timeoutMs?: number;
  readonly probeEnv?: NodeJS.ProcessEnv;
  readonly tickIntervalMs?: number;
}

/** What the composition root knows once the relay is ready. */
export interface AttachTarget {
  readonly apiUrl: string;
  readonly healthUrl?: string | null;
  /** The panel's own key (the first of API_KEYS: exempt from rate limits). */
  readonly key: string;
  readonly tier: TierName;
  readonly relayPid: number;
  /** The relay launch plan's OS wrappers, so the probe runs with the relay's priority and affinity. */
  readonly argvPrefix: readonly string[];
  readonly demoPeerUrl?: string | null;
  /** The launch plan the relay runs under: recorded with measurement-start, so reports per tier show it. */
  readonly launch?: LaunchReport | null;
}

/** Why measurement stops. A crash makes the next attach count the downtime (see attach). */
export type DetachReason = 'stopped' | 'crashed' | 'tier-switch';

export interface MeasurementEvents {
  tick: [tick: MetricsTick];
  block: [block: BlockRelayed];
  event: [event: HistoryEvent];
  /** Something worth logging that did not stop measuring (a probe line, a failed flush). */
  warning: [message: string];
  /** The probe runs its own code now, or died before it got there (live-probe.ts). */
  probe: [placement: ProbeLaunch];
}

export type { ProbeLaunch };

/**
 * The measurement side of the panel: runs the probe next to the relay, aggregates its samples into
 * the live windows, samples resources, stores everything in history and answers history queries.
 *
 * Windows (tier-windows.ts) are per tier and survive tier switches, relay restarts, SLA tests and panel
 * restarts: "1 h" is the last hour of the tier shown, from history where this process did not see it.
 */
export class MeasurementService extends EventEmitter<MeasurementEvents> {
  readonly history: HistoryStore;
  private readonly ownsHistory: boolean;
  private aggregator: Aggregator | null = null;
  /** Every tier's windows for this session (tier-windows.ts). */
  private readonly windows: TierWindows;
  private probe: ProbeProcess | null = null;
  private sampler: ResourceSampler | null = null;
  private ticker: NodeJS.Timeout | null = null;
  private target: AttachTarget | null = null;
  private crashedAt: number | null = null;
  /** The attach or detach under way; the next one waits for it (see serial). */
  private sequence: Promise<void> = Promise.resolve();
  private probeState: ProbeStatus = { state: 'stopped', since: Date.now() };
  private readonly breaches = new BreachTracker();
  private rateHz: number;

  constructor(private readonly o: MeasurementOptions) {
    super();
    this.rateHz = o.rateHz;
    this.ownsHistory = typeof o.history === 'string';
    this.history =
      typeof o.history === 'string'
        ? HistoryStore.open({
            file: o.history,
            retention: o.retention,
            onError: (err) => this.emit('warning', `history: ${err.message}`),
          })
        : o.history;
    this.windows = new TierWindows({
      history: this.history,
      timeoutMs: o.timeoutMs ?? 1000,
      onWarning: (message) => this.emit('warning', message),
    });
  }

  get attached(): AttachTarget | null {
    return this.target;
  }

  get probePid(): number | null {
    return this.probe?.pid ?? null;
  }

  /** What the probe is doing, for a status line: starting, waiting-for-block, sampling, restarting. */
  get probeStatus(): { state: ProbeState; streamConnected: boolean } | null {
    return this.probe ? { state: this.probe.state, streamConnected: this.probe.streamConnected } : null;
  }

  /**
   * Attach and detach run one at a time, in call order. They await the probe's stop; two interleaved
   * (a relay ready while measuring resumes, a rate change during a tier switch) once left a probe
   * running that nothing referenced, measuring and restarting for ever.
   */
  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.sequence.then(task, task);
    this.sequence = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Start measuring a relay that is ready. Re-attaching first detaches the previous relay. */
  attach(target: AttachTarget): Promise<void> {
    return this.serial(() => this.attachNow(target));
  }

  private async attachNow(target: AttachTarget): Promise<void> {
    if (this.target) await this.detachNow('stopped');
    const timeoutMs = this.o.timeoutMs ?? 1000;
    const previous = this.aggregator?.tier ?? null;
    if (previous !== target.tier) {
      this.aggregator = this.windows.use(target.tier, Date.now());
      this.breaches.reset();
      if (previous !== null) this.recordEvent('tier-switch', { from: previous, to: target.tier });
      this.crashedAt = null;
    }
    this.target = target;
    this.recordEvent('measurement-start', {
      tier: target.tier,
      rateHz: this.rateHz,
      relayPid: target.relayPid,
      launch: target.launch ?? null,
    });
    if (this.crashedAt !== null) this.countDowntime(this.crashedAt, Date.now());

    this.probe = startLiveProbe(
      {
        execPath: this.o.execPath,
        probeScript: this.o.probeScript,
        probeEnv: this.o.probeEnv ?? process.env,
        rateHz: this.rateHz,
        timeoutMs,
      },
      target,
      {
        samples: (samples) => this.onSamples(samples),
        block: (block) => this.recordBlock(block),
        warning: (message) => this.emit('warning', message),
        launched: (launch) => this.emit('probe', launch),
        crashed: (details) => this.recordEvent('probe-crash', details),
        status: (change) => (this.probeState = { ...this.probeState, ...change }),
      },
    );
    const probe = this.probe;

    this.sampler = new ResourceSampler({
      relayPid: target.relayPid,
      probePid: () => probe.pid,
      healthUrl: target.healthUrl ?? null,
    });
    this.sampler.start();
    this.ticker = setInterval(() => this.tick(), this.o.tickIntervalMs ?? 1000);
    this.ticker.unref();
  }

  get probeRateHz(): number {
    return this.rateHz;
  }

  /**
   * A new probe rate from settings takes effect now: the probe is restarted at the new rate against
   * the same relay (same tier, so the windows carry on; coverage counts slots at the current rate).
   */
  async setRate(rateHz: number): Promise<void> {
    if (rateHz === this.rateHz) return;
    const from = this.rateHz;
    this.rateHz = rateHz;
    this.recordEvent('probe-rate-change', { from, to: rateHz });
    const target = this.target;
    if (target) await this.attach(target);
  }

  /** Stop the probe and resource sampling; the seconds still open are closed and stored. */
  detach(reason: DetachReason = 'stopped'): Promise<void> {
    return this.serial(() => this.detachNow(reason));
  }

  private async detachNow(reason: DetachReason): Promise<void> {
    if (!this.target) return;
    this.target = null;
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
    this.sampler?.stop();
    this.sampler = null;
    const probe = this.probe;
    this.probe = null;
    await probe?.stop();
    // Close everything still open: nothing will arrive for it any more.
    for (const second of this.aggregator?.closeOpen() ?? []) this.history.addSecond(second);
    this.crashedAt = reason === 'crashed' ? Date.now() : null;
    this.recordEvent('measurement-stop', { reason });
  }

  /** A block the relay delivered: stored and shown, whichever probe saw it (live or an SLA test's). */
  recordBlock(block: BlockRelayed): void {
    this.history.addBlock(block);
    this.emit('block', block);
  }

  recordEvent(kind: string, details: Record<string, unknown> = {}): void {
    const event: HistoryEvent = { at: Date.now(), kind, details };
    this.history.addEvent(event);
    this.emit('event', event);
  }

  /** history.query. Commits what is buffered first, so the last second is in the answer. */
  query(q: HistoryQueryInput): HistoryResult {
    try {
      this.history.flush();
    } catch (err) {
      this.emit('warning', `history flush before query failed: ${String(err)}`);
    }
    return this.history.query(q);
  }

  async close(): Promise<void> {
    await this.detach('stopped');
    if (this.ownsHistory) this.history.close();
    else this.history.flush();
  }

  private onSamples(samples: readonly RawSample[]): void {
    const target = this.target;
    if (!target || !this.aggregator) return;
    this.aggregator.record(samples);
    this.history.addSamples(target.tier, samples);
  }

  /**
   * A crashed relay answered nobody until it was back: every slot of the schedule in that gap is
   * recorded as a failed sample (latency 0, ok false), exactly what the probe would have seen had it
   * kept running. Without this, downtime would vanish from the SLA figures.
   */
  private countDowntime(from: number, to: number): void {
    const interval = 1000 / this.rateHz;
    const samples: RawSample[] = [];
    for (let t = Math.ceil(from / interval) * interval; t < to; t += interval) samples.push([t, 0, false]);
    this.onSamples(samples);
    this.recordEvent('relay-crash', { downMs: Math.round(to - from), missedSlots: samples.length });
    this.crashedAt = null;
  }

  private tick(now = Date.now()): void {
    const aggregator = this.aggregator;
    if (!aggregator) return;
    const { tick, closed } = aggregator.tick(now);
    for (const second of closed) this.history.addSecond(second);
    const { windows, coverage } = this.windows.complete(tick, this.rateHz, now);
    const full: MetricsTick = {
      ...tick,
      windows,
      resources: this.sampler?.latest ?? null,
      coverage,
      probe: this.probeState,
    };
    for (const change of this.breaches.changes(full.windows)) this.recordEvent(change.kind, change.details);
    this.emit('tick', full);
  }
}
