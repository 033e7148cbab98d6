import { ApiError } from '../../../shared/api';
import type { TuneCandidate, TuneDesign } from '../../../shared/tuning';
import type { ProbeSample } from '../probe/protocol';
import { blockOrder, MIN_ROUNDS } from './design';

/** What runs one block: the live relay here, a synthetic machine in the statistics tests. */
export interface BlockRunner {
  /** Resolves once the relay runs under the candidate's plan and answers. */
  switchTo(candidate: TuneCandidate, signal: AbortSignal): Promise<void>;
  /** Exactly `count` probes at the design's rate, in order. */
  probe(candidate: TuneCandidate, count: number, signal: AbortSignal): Promise<ProbeSample[]>;
}

export interface BlockDone {
  readonly round: number;
  readonly candidate: TuneCandidate;
  readonly blocksDone: number;
  readonly blocksTotal: number;
  /** Seconds this block cost beyond its probes (the design's estimate is refined from these). */
  readonly switchSeconds: number;
}

export const cancelled = () =>
  new ApiError('CANCELLED', 'Tuning cancelled; the relay is back on its saved plan.');

/**
 * Runs the design: round after round, one block per candidate in the rotated order, each block's
 * warm-up probes dropped. Returns samples[candidate][round].
 */
export async function runExperiment(
  design: TuneDesign,
  candidates: readonly TuneCandidate[],
  runner: BlockRunner,
  signal: AbortSignal,
  onBlock: (done: BlockDone) => void = () => undefined,
  /** performance.now() by which the last round must end; rounds that would not fit are not started. */
  deadline = Number.POSITIVE_INFINITY,
): Promise<ProbeSample[][][]> {
  const samples: ProbeSample[][][] = candidates.map(() => []);
  const order = blockOrder(candidates.length, design.rounds);
  const total = design.rounds * candidates.length;
  let done = 0;
  const started = performance.now();
  for (const [round, indices] of order.entries()) {
    // Whole rounds only: stopping early keeps every candidate at the same number of blocks.
    const perRound = round === 0 ? 0 : (performance.now() - started) / round;
    if (round >= MIN_ROUNDS && performance.now() + perRound > deadline) break;
    for (const index of indices) {
      if (signal.aborted) throw cancelled();
      const candidate = candidates[index]!;
      const blockStarted = performance.now();
      await runner.switchTo(candidate, signal);
      const count = design.warmupProbes + design.blockProbes;
      const block = await runner.probe(candidate, count, signal);
      // Everything a block costs beyond its probes: the relay's restart, the probe's start and stop.
      const switchSeconds = Math.max(0, (performance.now() - blockStarted) / 1000 - count / design.rateHz);
      samples[index]![round] = block.slice(design.warmupProbes);
      done++;
      onBlock({ round, candidate, blocksDone: done, blocksTotal: total, switchSeconds });
    }
  }
  return samples;
}
