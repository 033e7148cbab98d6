import { windowCoverage, WINDOW_SPAN_MS } from '../../../shared/figures';
import {
  WINDOW_NAMES,
  type MetricsTick,
  type OtherTierSla,
  type WindowCoverage,
  type WindowName,
} from '../../../shared/metrics';
import { TIERS, type TierName } from '../../../shared/tiers';
import { summarizeSla } from '../../../shared/verdict';
import { RES } from '../history/db';
import type { HistoryStore } from '../history/history-store';
import type { RawSample } from '../history/types';
import { bucketsOf, decodeHistogram, toMicros } from '../measure-core/hdr';
import type { Unit } from '../measure-core/rolling-windows';
import { Aggregator, type TickWithoutResources } from './aggregator';

/** Raw samples replayed to seed a tier's windows: the last hour and a minute; older ones as minutes. */
const SEED_RAW_MS = 3_660_000;
const DAY_MS = 86_400_000;

export interface TierWindowsOptions {
  readonly history: HistoryStore;
  readonly timeoutMs: number;
  readonly onWarning: (message: string) => void;
}

/**
 * Windows mean what they say (issue 22): "1 h" is the last hour of the tier shown, across tier
 * switches, relay restarts, SLA tests and panel restarts. Each tier has its own windows for the whole
 * session, seeded from history the first time the tier runs (raw live samples for the last hour,
 * minute roll-ups for the rest of the day), so switching away and back, or restarting the panel, keeps
 * them. `session` is this tier's samples since the panel started. Other tiers' samples in the same
 * span are listed beside each window, each judged by its own SLA. SLA-test samples are in none of them
 * (they never reach the live aggregates).
 */
export class TierWindows {
  private readonly aggregators = new Map<TierName, Aggregator>();
  private sessionStart: number | null = null;
  /** The oldest sample the windows hold (seeded or live): coverage counts slots from here. */
  private measuringSince = Infinity;

  constructor(private readonly o: TierWindowsOptions) {}

  /** The windows of `tier`, created (and seeded from history) the first time it runs this session. */
  use(tier: TierName, now: number): Aggregator {
    this.sessionStart ??= now;
    this.measuringSince = Math.min(this.measuringSince, now);
    let aggregator = this.aggregators.get(tier);
    if (!aggregator) {
      const spec = TIERS[tier];
      aggregator = new Aggregator({
        tier,
        targetMs: spec.targetMs,
        objective: spec.objective,
        timeoutMs: this.o.timeoutMs,
      });
      this.seed(aggregator, now);
      this.aggregators.set(tier, aggregator);
    }
    return aggregator;
  }

  /**
   * The tick as the UI gets it: each window with its span, the other tiers inside that span and its
   * coverage (every tier's samples count: the schedule's slots were probed, whichever tier ran).
   */
  complete(
    tick: TickWithoutResources,
    rateHz: number,
    now: number,
  ): Pick<MetricsTick, 'windows' | 'coverage'> {
    let others: Record<WindowName, OtherTierSla[]> | null = null;
    try {
      // Seconds closed a moment ago (the tier before a switch) must be in the roll-ups read below.
      this.o.history.flush();
      others = this.otherTiers(tick);
    } catch (err) {
      this.o.onWarning(`history could not list other tiers in the windows: ${String(err)}`);
    }
    const windows = {} as MetricsTick['windows'];
    const coverage = {} as Record<WindowName, WindowCoverage>;
    for (const name of WINDOW_NAMES) {
      const w = tick.windows[name];
      const otherTiers = others?.[name] ?? [];
      const span =
        name === 'session' && this.sessionStart !== null && tick.secondAt !== null
          ? { from: this.sessionStart, to: tick.secondAt + 1000 }
          : w.span;
      windows[name] = { ...w, ...(span ? { span } : {}), otherTiers };
      const n = w.latency.n + otherTiers.reduce((sum, o) => sum + o.sla.n, 0);
      const since = name === 'session' ? (this.sessionStart ?? now) : this.measuringSince;
      coverage[name] = windowCoverage(n, rateHz, WINDOW_SPAN_MS[name], since, tick.secondAt);
    }
    return { windows, coverage };
  }

  /**
   * A tier's windows from what history holds for it: minute roll-ups from a day ago up to the raw
   * span, then the raw live samples of the last hour (and a minute) replayed. Commits what is
   * buffered first so nothing measured a moment ago is missing.
   */
  private seed(aggregator: Aggregator, now: number): void {
    const { history } = this.o;
    try {
      history.flush();
      const rawFrom = Math.floor((now - SEED_RAW_MS) / 60_000) * 60_000;
      const dayFrom = Math.floor((now - DAY_MS) / 60_000) * 60_000;
      const minutes: Unit[] = history
        .aggregateRows(RES.minute, aggregator.tier, dayFrom, rawFrom)
        .map((row) => ({
          t: row.t,
          ...bucketsOf(decodeHistogram(row.hist)),
          n: row.n,
          misses: row.misses,
          sumUs: row.sum_ms * 1000,
          maxUs: toMicros(row.max),
        }));
      const samples: RawSample[] = [];
      for (const page of history.iterateSamples(rawFrom, now, 10_000)) {
        for (const s of page) {
          if (s.tier !== aggregator.tier) continue;
          samples.push(s.lateMs === null ? [s.t, s.latencyMs, s.ok] : [s.t, s.latencyMs, s.ok, s.lateMs]);
        }
      }
      aggregator.seed(minutes, samples);
      const oldest = minutes[0]?.t ?? samples[0]?.[0];
      if (oldest !== undefined) this.measuringSince = Math.min(this.measuringSince, oldest);
    } catch (err) {
      this.o.onWarning(`history could not seed the ${aggregator.tier} windows: ${String(err)}`);
    }
  }

  /**
   * Other tiers' live samples inside each window's span, each judged by its own tier's SLA: from the
   * roll-ups for the time windows (per second; per minute for 24 h), from this session's windows for
   * `session`.
   */
  private otherTiers(tick: TickWithoutResources): Record<WindowName, OtherTierSla[]> {
    const out = {} as Record<WindowName, OtherTierSla[]>;
    for (const name of WINDOW_NAMES) {
      const rows: OtherTierSla[] = [];
      if (name === 'session') {
        for (const [tier, agg] of this.aggregators) {
          if (tier === tick.tier) continue;
          const counts = agg.sessionCounts();
          if (counts.n > 0) rows.push({ tier, sla: summarizeSla(counts, TIERS[tier]) });
        }
      } else {
        const span = tick.windows[name].span;
        if (span) {
          const res = name === '24h' ? RES.minute : RES.second;
          for (const row of this.o.history.countsByTier(res, span.from, span.to)) {
            if (row.tier === tick.tier || !(row.tier in TIERS) || row.n === 0) continue;
            const tier = row.tier as TierName;
            rows.push({ tier, sla: summarizeSla({ n: row.n, misses: row.misses }, TIERS[tier]) });
          }
        }
      }
      out[name] = rows;
    }
    return out;
  }
}
