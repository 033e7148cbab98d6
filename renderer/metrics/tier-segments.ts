import { TIERS, type TierName } from '../../shared/tiers';
import type { LatencyPoint } from './series';

/** A stretch of the chart measured under one tier, judged against that tier's own SLA target. */
export interface TierSegment {
  readonly tier: TierName;
  readonly targetMs: number;
  /** First and last point's time in the stretch. */
  readonly from: number;
  readonly to: number;
}

const isTier = (t: unknown): t is TierName => typeof t === 'string' && Object.hasOwn(TIERS, t);

/**
 * Runs of consecutive points of the same tier. Points without a tier (older history, a bucket that
 * mixes tiers) extend the run they fall in rather than start one.
 */
export function tierSegments(points: readonly LatencyPoint[]): TierSegment[] {
  const out: TierSegment[] = [];
  for (const p of points) {
    const last = out[out.length - 1];
    if (!isTier(p.tier)) {
      if (last) out[out.length - 1] = { ...last, to: p.t };
      continue;
    }
    if (last && last.tier === p.tier) out[out.length - 1] = { ...last, to: p.t };
    else out.push({ tier: p.tier, targetMs: TIERS[p.tier].targetMs, from: p.t, to: p.t });
  }
  return out;
}

/** Whether a target lies above the y axis' top: then it is named as off scale, never silently dropped. */
export function offScale(targetMs: number | null, domainTop: number): boolean {
  return targetMs !== null && targetMs > domainTop;
}
