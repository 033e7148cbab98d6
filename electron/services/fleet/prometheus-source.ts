import { z } from 'zod';
import type { FleetWindow } from '../../../shared/fleet';
import { complianceExpr, countExpr, quantileExpr } from '../../../shared/fleet-promql';
import { TierName } from '../../../shared/tiers';
import { getText } from './http-get';
import { bucketBoundAbove } from '../../../shared/fleet-histogram';
import {
  checkCount,
  checkObjective,
  checkRatio,
  checkSeconds,
  checkTarget,
  checkTip,
  FleetValueError,
  labelWord,
} from './values';

const Vector = z.object({
  status: z.literal('success'),
  data: z.object({
    resultType: z.literal('vector'),
    result: z.array(
      z.object({
        metric: z.record(z.string(), z.string()),
        value: z.tuple([z.number(), z.string()]),
      }),
    ),
  }),
});
const PromError = z.object({ status: z.literal('error'), error: z.string() });

/** Figures for one relay as Prometheus has them, keyed by its `instance` label. */
export interface PromRelayFigures {
  instance: string;
  job: string;
  tier: TierName | null;
  network: string | null;
  up: boolean | null;
  syncProgress: number | null;
  tip: number | null;
  targetMs: number | null;
  objective: number | null;
  p50Ms: number | null;
  p999Ms: number | null;
  compliance: number | null;
  samples: number;
  /** A value out of range for this instance ("prometheus: compliance is 5"); its figures are null. */
  error: string | null;
}

/** Relays taken from one Prometheus: one that lists 20,000 instances still makes a short listing. */
export const MAX_PROMETHEUS_RELAYS = 64;

/** The PromQL the Fleet view runs for a window, by figure (so a test can run the same queries). */
export function fleetQueries(window: FleetWindow): Record<string, string> {
  return {
    // Relays seen in the last day (one series each, whatever tiers they ran), and the tier now.
    known: 'max by (job, instance) (last_over_time(bitcoin_sprint_tier_info[1d]))',
    tier: 'bitcoin_sprint_tier_info',
    build: 'last_over_time(bitcoin_sprint_build_info[1d])',
    up: 'up',
    sync: 'bitcoin_sprint_sync_progress_ratio',
    tip: 'bitcoin_sprint_tip_height',
    target: 'bitcoin_sprint_sla_target_seconds',
    objective: 'bitcoin_sprint_sla_objective_ratio',
    p50: quantileExpr(0.5, '', window),
    p999: quantileExpr(0.999, '', window),
    compliance: complianceExpr('', window),
    samples: countExpr('', window),
  };
}

const finite = (v: number | undefined): number | null => (v === undefined || !Number.isFinite(v) ? null : v);

/** Prometheus's HTTP API, instant queries only, evaluated at one given time for a consistent view. */
export class PrometheusSource {
  /** How many relays the last `relays()` found, before MAX_PROMETHEUS_RELAYS. */
  lastKnown = 0;
  constructor(readonly url: string) {}

  async query(expr: string, atMs: number): Promise<Array<{ labels: Record<string, string>; value: number }>> {
    const params = new URLSearchParams({ query: expr, time: (atMs / 1000).toFixed(3) });
    let text: string;
    try {
      text = await getText(`${this.url}/api/v1/query?${params}`);
    } catch (error) {
      const body = error instanceof Error ? error.message : String(error);
      throw new Error(`Prometheus at ${this.url}: ${body}`, { cause: error });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`Prometheus at ${this.url} answered a query with a body that is not JSON`);
    }
    const failed = PromError.safeParse(json);
    if (failed.success) throw new Error(`Prometheus at ${this.url} refused a query: ${failed.data.error}`);
    const parsed = Vector.safeParse(json);
    if (!parsed.success) throw new Error(`Prometheus at ${this.url} answered a query in an unknown form`);
    return parsed.data.data.result.map((r) => ({ labels: r.metric, value: Number(r.value[1]) }));
  }

  /** Every relay Prometheus knows (by bitcoin_sprint_tier_info in the last day), with window figures. */
  async relays(window: FleetWindow, atMs: number): Promise<PromRelayFigures[]> {
    const queries = fleetQueries(window);
    const names = Object.keys(queries);
    const results = await Promise.all(names.map((n) => this.query(queries[n]!, atMs)));
    const by = Object.fromEntries(
      names.map((n, i) => [n, new Map(results[i]!.map((r) => [r.labels.instance ?? '', r]))]),
    ) as Record<string, Map<string, { labels: Record<string, string>; value: number }>>;
    const value = (figure: string, instance: string) => finite(by[figure]?.get(instance)?.value);
    this.lastKnown = by.known!.size;
    const known = [...by.known!.values()].slice(0, MAX_PROMETHEUS_RELAYS);
    return known.map(({ labels }): PromRelayFigures => {
      const instance = (labels.instance ?? '').slice(0, 200);
      const tier = TierName.safeParse(by.tier!.get(instance)?.labels.tier);
      const base = {
        instance,
        job: (labels.job ?? '').slice(0, 200),
        tier: tier.success ? tier.data : null,
        network: labelWord(by.build!.get(instance)?.labels.network),
      };
      try {
        const up = value('up', instance);
        const target = value('target', instance);
        const objective = value('objective', instance);
        const tip = value('tip', instance);
        // histogram_quantile interpolates inside a bucket; the row carries the bucket's bound.
        const bound = (v: number | null) => {
          if (v === null) return null;
          const le = bucketBoundAbove(v);
          return Number.isFinite(le) ? le * 1000 : null;
        };
        return {
          ...base,
          up: up === null ? null : up === 1,
          syncProgress: checkRatio('prometheus', 'sync progress', value('sync', instance)),
          tip: tip === null ? null : checkTip('prometheus', Math.round(tip)),
          targetMs: target === null ? null : checkTarget('prometheus', target),
          objective: objective === null ? null : checkObjective('prometheus', objective),
          p50Ms: bound(checkSeconds('prometheus', 'p50', value('p50', instance))),
          p999Ms: bound(checkSeconds('prometheus', 'p99.9', value('p999', instance))),
          compliance: checkRatio('prometheus', 'compliance', value('compliance', instance)),
          samples: checkCount('prometheus', 'samples', value('samples', instance) ?? 0),
          error: null,
        };
      } catch (error) {
        if (!(error instanceof FleetValueError)) throw error;
        return {
          ...base,
          up: null,
          syncProgress: null,
          tip: null,
          targetMs: null,
          objective: null,
          p50Ms: null,
          p999Ms: null,
          compliance: null,
          samples: 0,
          error: error.message,
        };
      }
    });
  }
}
