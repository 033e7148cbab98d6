import { z } from 'zod';
import type { Bucket } from '../../../shared/fleet-histogram';
import { TierName, TIERS } from '../../../shared/tiers';
import { getText } from './http-get';
import {
  FleetValueError,
  checkBuckets,
  checkObjective,
  checkTarget,
  checkTip,
  labelWord,
  summariseBuckets,
} from './values';
import { parsePromText, type Sample } from './prom-text';

/** One scrape of a relay: what its /metrics and /health say right now. */
export interface RelayReading {
  readonly at: number;
  readonly tier: TierName | null;
  readonly network: string | null;
  readonly version: string | null;
  readonly tip: number | null;
  readonly targetMs: number | null;
  readonly objective: number | null;
  /** Cumulative relay latency buckets, +Inf last; empty when the relay exports none. */
  readonly buckets: Bucket[];
  /** live, syncing, degraded, or unknown when /health could not be read. */
  readonly state: string;
}

const HealthStatus = z.object({ status: z.string() }).passthrough();

function first(samples: Sample[], name: string): Sample | undefined {
  return samples.find((s) => s.name === name);
}

function tierOf(samples: Sample[]): TierName | null {
  // bitcoin_sprint_tier_info, else the seed's optimization_level (an external binary of that age).
  const label =
    first(samples, 'bitcoin_sprint_tier_info') ?? first(samples, 'bitcoin_sprint_optimization_level');
  const parsed = TierName.safeParse(label?.labels.tier);
  return parsed.success ? parsed.data : null;
}

/**
 * A reading from a relay's /metrics, every value checked: a target of +Inf, a NaN objective, a tip of
 * 1e300 or a negative count is a FleetValueError naming the value ("metrics: target is +Inf"), which
 * becomes this relay's row error and nothing else's.
 */
export function readingFromMetrics(samples: Sample[], at: number, state: string): RelayReading {
  const tier = tierOf(samples);
  const build = first(samples, 'bitcoin_sprint_build_info');
  const target = first(samples, 'bitcoin_sprint_sla_target_seconds')?.value;
  const objective = first(samples, 'bitcoin_sprint_sla_objective_ratio')?.value;
  const raw = samples
    .filter((s) => s.name === 'bitcoin_sprint_relay_latency_seconds_bucket' && s.labels.le !== undefined)
    .map((s) => ({ le: s.labels.le === '+Inf' ? Infinity : Number(s.labels.le), count: s.value }));
  const tip = first(samples, 'bitcoin_sprint_tip_height')?.value;
  const targetMs = target !== undefined ? checkTarget('metrics', target) : tier ? TIERS[tier].targetMs : null;
  const buckets = checkBuckets('metrics', raw);
  return {
    at,
    tier,
    network: labelWord(build?.labels.network),
    version: labelWord(build?.labels.version),
    tip: tip === undefined ? null : checkTip('metrics', tip),
    targetMs,
    objective:
      objective !== undefined ? checkObjective('metrics', objective) : tier ? TIERS[tier].objective : null,
    // Only what the figures need is kept: at most MAX_BUCKETS bounds, the target's among them.
    buckets: summariseBuckets(buckets, targetMs === null ? null : targetMs / 1000),
    state,
  };
}

export { FleetValueError };

/** Scrapes /metrics and /health of a relay's health URL (http://host:port). */
export async function readRelay(healthUrl: string): Promise<RelayReading> {
  const at = Date.now();
  const [metrics, health] = await Promise.allSettled([
    getText(`${healthUrl}/metrics`),
    getText(`${healthUrl}/health`, { maxBytes: 256 * 1024 }),
  ]);
  if (metrics.status === 'rejected') throw metrics.reason;
  let state = 'unknown';
  if (health.status === 'fulfilled') {
    const parsed = HealthStatus.safeParse(parseJson(health.value));
    if (parsed.success)
      state = parsed.data.status === 'ok' ? 'live' : (labelWord(parsed.data.status) ?? 'unknown');
  }
  return readingFromMetrics(parsePromText(metrics.value), at, state);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
