import { nearestRank } from '../../../shared/percentile';
import type { Interval } from '../../../shared/tuning';

/**
 * Comparing two launch plans from interleaved blocks. The question is "is candidate X's p99.9 lower
 * than the tier default's, by more than the noise?".
 *
 * Why a block bootstrap over rounds: probe latencies are not independent. Within a block they share
 * the relay process (its heap, its JIT state, where the scheduler put it) and whatever else the
 * machine was doing in those seconds, so treating 3,000 probes as 3,000 independent draws would make
 * every interval far too narrow. The independent-enough unit is the round: one block of every
 * candidate, run back to back. Resampling whole rounds (with replacement) keeps each block's internal
 * correlation, and keeps candidate and default paired in time, so drift that hits both in the same
 * round cancels in their difference instead of widening it. The percentile interval of the resampled
 * differences is the interval; with at least MIN_ROUNDS rounds and the p99.9 of a thousand or more
 * probes per candidate it covers as stated in the synthetic tests (tuning-statistics.test.ts), which
 * is the check that matters here rather than an asymptotic argument.
 *
 * Why Bonferroni: the experiment compares k − 1 candidates with the default and recommends the best;
 * with k − 1 intervals at 95% each, the chance that at least one of several equal candidates looks
 * better by luck grows with k. Each interval is at 1 − 0.05/(k − 1), so "nothing beats the default"
 * is said correctly at least 95% of the time when nothing does.
 */

/** mulberry32: tiny, fast and seedable; the bootstrap must be reproducible in tests and from history. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** blocks[round] = that round's latencies (ms) of one candidate, warm-up already dropped. */
export type RoundBlocks = readonly (readonly number[])[];

export function quantileOf(values: Float64Array, q: number): number | null {
  const sorted = values.slice().sort();
  return nearestRank(sorted as unknown as number[], q);
}

/**
 * The q-quantile (nearest rank) of the pooled blocks `chosen`, from each block's values sorted in
 * descending order. A high quantile only depends on the top few values of the pool (p99.9 of 3,000
 * probes is the 3rd largest), so each resample merges a handful of values per block instead of
 * sorting thousands: this is what lets the bootstrap run 2,000 resamples in milliseconds.
 */
function pooledQuantile(
  descending: readonly Float64Array[],
  chosen: readonly number[],
  q: number,
): number | null {
  let n = 0;
  for (const r of chosen) n += descending[r]!.length;
  if (n === 0) return null;
  const rank = Math.max(1, Math.ceil(q * n - 1e-9));
  const fromTop = n - Math.min(n, rank) + 1;
  const top: number[] = [];
  for (const r of chosen) {
    const block = descending[r]!;
    const take = Math.min(fromTop, block.length);
    for (let i = 0; i < take; i++) top.push(block[i]!);
  }
  top.sort((a, b) => b - a);
  return top[fromTop - 1] ?? null;
}

const descendingBlocks = (blocks: RoundBlocks): Float64Array[] =>
  blocks.map((block) => Float64Array.from(block).sort().reverse());

export interface BootstrapOptions {
  readonly q?: number;
  readonly resamples?: number;
  /** Two-sided confidence of the interval, e.g. 0.95, or 1 − 0.05/(k − 1) with Bonferroni. */
  readonly level: number;
  readonly random: () => number;
}

/**
 * The q-quantile of `candidate` minus that of `reference`, with a percentile interval from resampling
 * rounds with replacement (both sides take the same rounds: they are paired in time).
 */
export function quantileDifference(
  candidate: RoundBlocks,
  reference: RoundBlocks,
  options: BootstrapOptions,
): Interval | null {
  const q = options.q ?? 0.999;
  const resamples = options.resamples ?? 2000;
  const rounds = Math.min(candidate.length, reference.length);
  if (rounds < 2) return null;
  const all = [...Array(rounds).keys()];
  const a = descendingBlocks(candidate);
  const b = descendingBlocks(reference);
  const estimateOf = (chosen: readonly number[]) => {
    const x = pooledQuantile(a, chosen, q);
    const y = pooledQuantile(b, chosen, q);
    return x === null || y === null ? null : x - y;
  };
  const estimate = estimateOf(all);
  if (estimate === null) return null;
  const differences = new Float64Array(resamples);
  const chosen = new Array<number>(rounds);
  for (let i = 0; i < resamples; i++) {
    for (let j = 0; j < rounds; j++) chosen[j] = Math.floor(options.random() * rounds);
    differences[i] = estimateOf(chosen) ?? estimate;
  }
  differences.sort();
  const tail = (1 - options.level) / 2;
  const at = (p: number) => differences[Math.min(resamples - 1, Math.max(0, Math.floor(p * resamples)))]!;
  return { estimate, low: at(tail), high: at(1 - tail) };
}

/** Each comparison's level so that all of them together hold at `family` (Bonferroni). */
export function comparisonLevel(comparisons: number, family = 0.95): number {
  return comparisons <= 1 ? family : 1 - (1 - family) / comparisons;
}
