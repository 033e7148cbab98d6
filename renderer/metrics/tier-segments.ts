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

/** A label's box on the chart, in px: x from left to right, y its baseline row. */
interface Box {
  readonly left: number;
  readonly right: number;
  readonly y: number;
}

/** Rough width of 11 px system-font text: enough to keep labels apart without measuring the DOM. */
export const labelWidth = (text: string): number => Math.ceil(text.length * 6.4) + 6;

const overlaps = (a: Box, b: Box): boolean =>
  Math.abs(a.y - b.y) < 13 && a.left < b.right && b.left < a.right;

export interface LabelRequest {
  readonly key: string;
  readonly text: string;
  /** Anchor x and row y; `anchor` says which side of x the text extends to. */
  readonly x: number;
  readonly y: number;
  readonly anchor: 'start' | 'end';
  /** Higher first: the newest stretch's labels win over older ones. */
  readonly priority: number;
}

/**
 * Which labels to draw so that none overlaps another (issue 22: after 20 tier switches the SLA labels
 * and switch markers printed over each other). Greedy by priority; a label that would overlap one
 * already placed, or leave [minX, maxX], is left out (its line stays; the legend says how many).
 */
export function placeLabels(
  requests: readonly LabelRequest[],
  minX: number,
  maxX: number,
): { shown: Set<string>; hidden: number } {
  const placed: Box[] = [];
  const shown = new Set<string>();
  let hidden = 0;
  for (const r of [...requests].sort((a, b) => b.priority - a.priority)) {
    const w = labelWidth(r.text);
    const box =
      r.anchor === 'start' ? { left: r.x, right: r.x + w, y: r.y } : { left: r.x - w, right: r.x, y: r.y };
    if (box.left < minX - 1 || box.right > maxX + 1 || placed.some((p) => overlaps(p, box))) {
      hidden++;
      continue;
    }
    placed.push(box);
    shown.add(r.key);
  }
  return { shown, hidden };
}
