import type { TuneDesign } from '../../../shared/tuning';
import { ApiError } from '../../../shared/api';

/**
 * The experiment's shape: every candidate gets the same number of blocks of the same number of probes
 * at the same rate, in rounds (one block of each candidate per round). Short blocks and many rounds
 * beat long blocks and few: the comparison resamples whole rounds, so its precision grows with their
 * count, and drift (another engineer's build, thermal throttling) lands inside a round on everyone.
 */

/** Fewer rounds than this and a bootstrap over rounds has too few units to say anything. */
export const MIN_ROUNDS = 6;
const MAX_ROUNDS = 400;
/** Blocks of about 1.5 s of probes: long enough to outlast a switch's after-effects, short for drift. */
const BLOCK_SECONDS = 1.5;
const MIN_BLOCK_PROBES = 40;
/** Contention start, the switch to the tier and the closing restore, outside the blocks. */
const FIXED_SECONDS = 8;
/**
 * Probes take longer than count ÷ rate when a candidate is slow (a probe without real-time priority
 * under contention runs late): measured here, blocks took up to a quarter longer than nominal.
 */
const SLOW_BLOCK_FACTOR = 1.25;

export interface DesignInput {
  readonly candidates: number;
  readonly budgetSeconds: number;
  readonly rateHz: number;
  /** Seconds one switch takes here (a relay restart under the next plan, until it is ready). */
  readonly switchSeconds: number;
}

/**
 * A block's warm-up, counted from the probe's first slot (the relay already serves): a relay just
 * restarted under contention answered 2–6 probes over 5 ms 140–180 ms into its first second, in 6 of 6
 * real-time blocks measured here, and none after 250 ms. Half a second leaves room for a slower
 * machine; the warm-up's own figures are shown, so a longer transient would be seen.
 */
export const WARMUP_SECONDS = 0.5;

export function warmupProbes(rateHz: number): number {
  return Math.max(10, Math.round(rateHz * WARMUP_SECONDS));
}

export function designExperiment(input: DesignInput): TuneDesign {
  const { candidates: k, budgetSeconds, rateHz, switchSeconds } = input;
  const warmup = warmupProbes(rateHz);
  const blockTime = (probes: number) => switchSeconds + (SLOW_BLOCK_FACTOR * (warmup + probes)) / rateHz;
  const usable = budgetSeconds - FIXED_SECONDS;
  let blockProbes = Math.round(rateHz * BLOCK_SECONDS);
  let rounds = Math.floor(usable / (k * blockTime(blockProbes)));
  if (rounds < MIN_ROUNDS) {
    // Shorter blocks rather than fewer rounds, down to a floor.
    rounds = MIN_ROUNDS;
    blockProbes = Math.floor(((usable / (k * rounds) - switchSeconds) * rateHz) / SLOW_BLOCK_FACTOR) - warmup;
  }
  if (blockProbes < MIN_BLOCK_PROBES) {
    const needed = neededBudget(input);
    throw new ApiError(
      'INVALID_PARAMS',
      `A budget of ${budgetSeconds} s is too short for ${k} candidates here (each switch takes about ` +
        `${switchSeconds.toFixed(1)} s); give it at least ${needed} s.`,
    );
  }
  rounds = Math.min(rounds, MAX_ROUNDS);
  return {
    candidates: k,
    rounds,
    blockProbes,
    warmupProbes: warmup,
    rateHz,
    switchSeconds,
    estimateSeconds: FIXED_SECONDS + rounds * k * blockTime(blockProbes),
  };
}

/**
 * The budget that gives these candidates MIN_ROUNDS rounds of blocks of a second of probes: less,
 * and a p99.9 rests on a few hundred probes per candidate (the design still runs down to
 * MIN_BLOCK_PROBES, but candidates are dropped before blocks get that short).
 */
export function neededBudget(input: DesignInput): number {
  const probes = warmupProbes(input.rateHz) + Math.max(MIN_BLOCK_PROBES, Math.round(input.rateHz));
  const blockTime = input.switchSeconds + (SLOW_BLOCK_FACTOR * probes) / input.rateHz;
  return Math.ceil(FIXED_SECONDS + input.candidates * MIN_ROUNDS * blockTime);
}

/**
 * The order of blocks: round r runs the candidates rotated by r (A B C, B C A, C A B, …). Every
 * candidate is interleaved with all the others as A B C A B C is, and in addition each one is
 * equally often first, second and last in a round, so a position effect (the first block after a
 * slow switch, the last before the next round) cannot favour one of them.
 */
export function blockOrder(candidates: number, rounds: number): number[][] {
  return Array.from({ length: rounds }, (_, r) =>
    Array.from({ length: candidates }, (_, i) => (i + r) % candidates),
  );
}
