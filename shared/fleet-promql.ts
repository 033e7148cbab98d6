import { TIERS, TIER_NAMES, type TierName } from './tiers';

/**
 * The PromQL the panel's Fleet view runs on a Prometheus, built from the tier table so the bucket a
 * tier is judged by always sits on its target. ops/prometheus/rules uses the same expressions (its
 * test checks the tier-to-bucket mapping against this one).
 */

const HISTOGRAM = 'bitcoin_sprint_relay_latency_seconds';

/** The `le` label of each target bucket and the tiers judged by it, tightest first. */
export function targetBuckets(): Array<{ le: string; tiers: TierName[] }> {
  const byTarget = new Map<number, TierName[]>();
  for (const name of TIER_NAMES) {
    const target = TIERS[name].targetMs / 1000;
    byTarget.set(target, [...(byTarget.get(target) ?? []), name]);
  }
  return [...byTarget.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([le, tiers]) => ({ le: String(le), tiers }));
}

/** Blocks within the relay's current tier's target over `range`, per job and instance. */
export function withinTargetExpr(selector: string, range: string): string {
  const sel = selector === '' ? '' : `${selector},`;
  return targetBuckets()
    .map(
      ({ le, tiers }) =>
        `sum by (job, instance) (increase(${HISTOGRAM}_bucket{${sel}le="${le}"}[${range}])) and on (job, instance) bitcoin_sprint_tier_info{tier=~"${tiers.join('|')}"}`,
    )
    .join(' or ');
}

export function countExpr(selector: string, range: string): string {
  return `sum by (job, instance) (increase(${HISTOGRAM}_count{${selector}}[${range}]))`;
}

/** Compliance at the tier's target: a bucket ratio. */
export function complianceExpr(selector: string, range: string): string {
  return `(${withinTargetExpr(selector, range)}) / on (job, instance) ${countExpr(selector, range)}`;
}

export function quantileExpr(q: number, selector: string, range: string): string {
  return `histogram_quantile(${q}, sum by (job, instance, le) (rate(${HISTOGRAM}_bucket{${selector}}[${range}])))`;
}
