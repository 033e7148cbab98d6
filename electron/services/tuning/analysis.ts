import { countMisses } from '../../../shared/figures';
import { missRateUpperBound95 } from '../../../shared/sla';
import {
  tuningVerdict,
  formatMs,
  type TuneCandidate,
  type TuneCandidateResult,
  type TuneRecommendation,
  type WarmupSummary,
} from '../../../shared/tuning';
import type { ProbeSample } from '../probe/protocol';
import { exactLateness } from '../sla-test/exact-stats';
import {
  comparisonLevel,
  quantileDifference,
  quantileOf,
  seededRandom,
  type RoundBlocks,
} from './statistics';

export interface MeasuredCandidate {
  readonly candidate: TuneCandidate;
  /** samples[round]: that round's block, warm-up dropped. */
  readonly rounds: readonly (readonly ProbeSample[])[];
  /** Every block's warm-up probes, discarded from the figures and summarised apart. */
  readonly warmup?: readonly ProbeSample[];
  /** Counted probes charged as timeouts because their block ran out of time. */
  readonly stalledProbes?: number;
}

export interface AnalysisInput {
  /** The first one is the tier's default plan, the reference of every comparison. */
  readonly measured: readonly MeasuredCandidate[];
  readonly targetMs: number;
  readonly objective: number;
  readonly timeoutMs: number;
  readonly seed: number;
  readonly resamples?: number;
}

export interface Analysis {
  readonly results: TuneCandidateResult[];
  readonly recommendation: TuneRecommendation;
  readonly level: number;
}

/** A failed probe counts at its elapsed time or the timeout, whichever is larger (as the SLA test does). */
const latencyOf = (sample: ProbeSample, timeoutMs: number) =>
  sample[2] ? sample[1] : Math.max(sample[1], timeoutMs);

export function analyse(input: AnalysisInput): Analysis {
  const { measured, targetMs, objective, timeoutMs } = input;
  const level = comparisonLevel(Math.max(1, measured.length - 1));
  const random = seededRandom(input.seed);
  const blocksOf = (m: MeasuredCandidate): RoundBlocks =>
    m.rounds.map((round) => round.map((sample) => latencyOf(sample, timeoutMs)));
  const reference = measured[0] ? blocksOf(measured[0]) : [];

  const results = measured.map((m, index): TuneCandidateResult => {
    const samples = m.rounds.flat();
    const latencies = Float64Array.from(samples, (sample) => latencyOf(sample, timeoutMs));
    const counts = countMisses(samples, targetMs, timeoutMs);
    const n = samples.length;
    const lower = n === 0 ? null : 1 - missRateUpperBound95(counts.misses, n);
    const difference =
      index === 0
        ? null
        : quantileDifference(blocksOf(m), reference, { level, random, resamples: input.resamples });
    return {
      candidate: m.candidate,
      n,
      blocks: m.rounds.length,
      p50: quantileOf(latencies, 0.5),
      p99: quantileOf(latencies, 0.99),
      p999: quantileOf(latencies, 0.999),
      max: n === 0 ? null : latencies.reduce((a, b) => Math.max(a, b), 0),
      misses: counts.misses,
      compliance: n === 0 ? null : (n - counts.misses) / n,
      complianceLower95: lower,
      verdict: tuningVerdict(n, counts.misses, objective),
      probeLateness: exactLateness(samples),
      p999Difference: difference,
      significant: difference !== null && difference.high < 0,
      warmup: warmupSummary(m.warmup ?? [], targetMs, timeoutMs),
      stalledProbes: m.stalledProbes ?? 0,
    };
  });
  return { results, recommendation: recommend(results, level), level };
}

function warmupSummary(samples: readonly ProbeSample[], targetMs: number, timeoutMs: number): WarmupSummary {
  const latencies = Float64Array.from(samples, (sample) => latencyOf(sample, timeoutMs));
  return {
    n: samples.length,
    misses: countMisses(samples, targetMs, timeoutMs).misses,
    p99: quantileOf(latencies, 0.99),
  };
}

/** Only a candidate faster than the default beyond the noise, and one the panel can carry into live use. */
export function recommend(results: readonly TuneCandidateResult[], level: number): TuneRecommendation {
  const reference = results[0];
  const best = results
    .slice(1)
    .filter((r) => r.significant && r.candidate.applicable)
    .sort((a, b) => a.p999Difference!.estimate - b.p999Difference!.estimate)[0];
  if (!reference || !best) {
    const faster = results.slice(1).find((r) => r.significant && !r.candidate.applicable);
    return {
      kind: 'keep-default',
      text:
        'Nothing beats the tier default here by more than the noise.' +
        (faster
          ? ` (${faster.candidate.label} measured faster, but the panel cannot apply it to live use yet.)`
          : ''),
    };
  }
  const d = best.p999Difference!;
  const plus = (v: number) => Math.max(0, v).toFixed(1);
  return {
    kind: 'apply',
    candidateId: best.candidate.id,
    overrides: best.candidate.overrides,
    text:
      `Apply: ${best.candidate.label}. p99.9 ${formatMs(reference.p999)} → ${formatMs(best.p999)} ` +
      `(improvement ${plus(-d.high)}–${plus(-d.low)} ms, ${(level * 100).toFixed(level < 0.95 ? 0 : 1)}%)`,
  };
}
