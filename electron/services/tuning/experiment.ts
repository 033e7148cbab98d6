import { ApiError } from '../../../shared/api';
import type { TuneCandidate, TuneDesign } from '../../../shared/tuning';
import type { ProbeSample } from '../probe/protocol';
import { blockOrder, MIN_ROUNDS } from './design';

/** One block's probes: what counts, and the warm-up before it, discarded but kept to be shown. */
export interface BlockSamples {
  /** Exactly the block's probe count, in slot order: the candidate in steady state. */
  readonly counted: ProbeSample[];
  /** The probes sent once the relay served and the probe sampled, before the block counted. */
  readonly warmup: ProbeSample[];
  /** Counted probes that never reported by the block's deadline, charged as timeouts. */
  readonly stalled: number;
}

export interface BlockShape {
  readonly warmupProbes: number;
  readonly blockProbes: number;
}

/** What runs one block: the live relay here, a synthetic machine in the statistics tests. */
export interface BlockRunner {
  /** Resolves once the relay runs under the candidate's plan and serves a block. */
  switchTo(candidate: TuneCandidate, signal: AbortSignal): Promise<void>;
  /** A warm-up, then the block's probes at the design's rate, from the probe's first slot on. */
  probe(candidate: TuneCandidate, shape: BlockShape, signal: AbortSignal): Promise<BlockSamples>;
}

export interface BlockDone {
  readonly round: number;
  readonly candidate: TuneCandidate;
  readonly blocksDone: number;
  readonly blocksTotal: number;
  /** Seconds this block cost beyond its probes (the design's estimate is refined from these). */
  readonly switchSeconds: number;
  /** The block's discarded warm-up probes, and its counted probes charged as stalled. */
  readonly warmup: readonly ProbeSample[];
  readonly stalled: number;
}

export const cancelled = () =>
  new ApiError('CANCELLED', 'Tuning cancelled; the relay is back on its saved plan.');

/**
 * Runs the design: round after round, one block per candidate in the rotated order. A block's probes
 * count only once the switch is done (the relay restarted and serving, the probe sampling) and its
 * warm-up is over; the switch's time is measured and reported, never counted. Returns the counted
 * samples[candidate][round]; each block's warm-up goes to onBlock.
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
      const shape = { warmupProbes: design.warmupProbes, blockProbes: design.blockProbes };
      const block = await runner.probe(candidate, shape, signal);
      // Everything a block costs beyond its probes: the relay's restart until it serves, the probe's
      // start and stop.
      const count = design.warmupProbes + design.blockProbes;
      const switchSeconds = Math.max(0, (performance.now() - blockStarted) / 1000 - count / design.rateHz);
      samples[index]![round] = block.counted;
      done++;
      onBlock({
        round,
        candidate,
        blocksDone: done,
        blocksTotal: total,
        switchSeconds,
        warmup: block.warmup,
        stalled: block.stalled,
      });
    }
  }
  return samples;
}
