import { TIER_LIST, type TierName, type TierSpec } from './tiers';

/**
 * The PromQL table: every expression the panel's Fleet view runs on a Prometheus, and that the
 * generated Prometheus rules and Grafana dashboard (scripts/generate/, npm run generate) are built
 * from. Built from the tier table so the bucket a tier is judged by always sits on its target; the
 * functions take the tier list as a parameter so a test can hand them a longer one.
 */

export const LATENCY_HISTOGRAM = 'bitcoin_sprint_relay_latency_seconds';
const HISTOGRAM = LATENCY_HISTOGRAM;

/** `metric{selector}`, or the bare name when there is no selector. */
const series = (metric: string, selector: string): string =>
  selector === '' ? metric : `${metric}{${selector}}`;

/** The `le` label of each target bucket and the tiers judged by it, tightest first. */
export function targetBuckets(
  tiers: readonly TierSpec[] = TIER_LIST,
): Array<{ le: string; tiers: TierName[] }> {
  const byTarget = new Map<number, TierName[]>();
  for (const { name, targetMs } of tiers) {
    const target = targetMs / 1000;
    byTarget.set(target, [...(byTarget.get(target) ?? []), name]);
  }
  return [...byTarget.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([le, names]) => ({ le: String(le), tiers: names }));
}

/** How a counter becomes a figure over `range`: a per-second rate (rules) or a count (the Fleet view). */
export type RangeFunction = 'increase' | 'rate';

/** Blocks within the relay's current tier's target over `range`, per job and instance. */
export function withinTargetExpr(
  selector: string,
  range: string,
  fn: RangeFunction = 'increase',
  tiers: readonly TierSpec[] = TIER_LIST,
): string {
  const sel = selector === '' ? '' : `${selector},`;
  return targetBuckets(tiers)
    .map(
      ({ le, tiers: names }) =>
        `sum by (job, instance) (${fn}(${HISTOGRAM}_bucket{${sel}le="${le}"}[${range}])) and on (job, instance) bitcoin_sprint_tier_info{tier=~"${names.join('|')}"}`,
    )
    .join(' or ');
}

export function countExpr(selector: string, range: string, fn: RangeFunction = 'increase'): string {
  return `sum by (job, instance) (${fn}(${series(`${HISTOGRAM}_count`, selector)}[${range}]))`;
}

/** Compliance at the tier's target: a bucket ratio. */
export function complianceExpr(
  selector: string,
  range: string,
  tiers: readonly TierSpec[] = TIER_LIST,
): string {
  return `(${withinTargetExpr(selector, range, 'increase', tiers)}) / on (job, instance) ${countExpr(selector, range)}`;
}

export function quantileExpr(q: number, selector: string, range: string): string {
  return `histogram_quantile(${q}, sum by (job, instance, le) (rate(${series(`${HISTOGRAM}_bucket`, selector)}[${range}])))`;
}

/** Blocks behind the best tip any relay of the same network reports (`selector` picks the relays shown). */
export function tipLagExpr(fleetSelector: string, selector: string): string {
  const withNetwork = (sel: string) =>
    `(${series('bitcoin_sprint_tip_height', sel)} * on (job, instance) group_left (network) bitcoin_sprint_build_info)`;
  return `max by (network) ${withNetwork(fleetSelector)} - on (network) group_right () ${withNetwork(selector)}`;
}

/** Process restarts over `range` (a tier switch restarts the relay too). */
export function restartsExpr(selector: string, range: string): string {
  return `changes(${series('process_start_time_seconds', selector)}[${range}])`;
}
