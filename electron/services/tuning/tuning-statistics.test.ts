import { describe, expect, it } from 'vitest';
import { analyse } from './analysis';
import { runExperiment } from './experiment';
import { quantileDifference, seededRandom } from './statistics';
import {
  candidate,
  DRIFT_SD,
  sampleLatency,
  syntheticDesign,
  syntheticMachine,
  type SyntheticEffect,
} from './test-support/synthetic';

const signal = new AbortController().signal;

async function tune(seed: number, effects: Record<string, SyntheticEffect>, rounds = 10, blockProbes = 300) {
  const candidates = Object.keys(effects).map((id) => candidate(id));
  const design = syntheticDesign(candidates.length, rounds, blockProbes);
  const samples = await runExperiment(design, candidates, syntheticMachine(seed, effects), signal);
  return analyse({
    measured: candidates.map((c, i) => ({ candidate: c, rounds: samples[i]! })),
    targetMs: 5,
    objective: 0.999,
    timeoutMs: 1000,
    seed: seed ^ 0x5eed,
    resamples: 1000,
  });
}

/** The true p99.9 of one candidate: two million draws over blocks whose drift is drawn as it runs. */
function trueP999(effect: SyntheticEffect, seed: number): number {
  const random = seededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  let drift = 1;
  const values = Float64Array.from({ length: 2_000_000 }, (_, i) => {
    if (i % 500 === 0) drift = Math.exp(DRIFT_SD * normal());
    return sampleLatency(random, normal, effect) * drift;
  }).sort();
  return values[Math.ceil(0.999 * values.length) - 1]!;
}

describe('the tuning statistics on synthetic candidates of known latency', () => {
  const better: SyntheticEffect = { tailScale: 0.4 };
  const same: SyntheticEffect = { tailScale: 1 };

  it('finds the better candidate and brackets the true difference at the stated confidence', async () => {
    const trueDifference = trueP999(better, 1) - trueP999(same, 2);
    // Known by construction: pauses at 40% of their size take ~2.5 ms off the p99.9.
    expect(trueDifference).toBeLessThan(-2);
    const runs = 40;
    let found = 0;
    let covered = 0;
    for (let seed = 1; seed <= runs; seed++) {
      // 20 rounds of 500: 10,000 probes each, enough to see a 3 ms difference at p99.9 nearly always.
      const { results, recommendation, level } = await tune(
        seed,
        { default: same, better, equal: same },
        20,
        500,
      );
      expect(results[2]!.significant).toBe(false);
      expect(level).toBeCloseTo(0.975, 6);
      if (recommendation.kind === 'apply' && recommendation.candidateId === 'better') found++;
      const d = results[1]!.p999Difference!;
      if (d.low <= trueDifference && trueDifference <= d.high) covered++;
    }
    // Stated: each interval at 97.5% (95% over two comparisons). 40 runs allow a little sampling slack.
    expect(found / runs).toBeGreaterThanOrEqual(0.95);
    expect(covered / runs).toBeGreaterThanOrEqual(0.9);
  }, 60_000);

  it('calls equal candidates equal at least 95% of the time over repeated runs', async () => {
    const runs = 100;
    let calledEqual = 0;
    for (let seed = 1000; seed < 1000 + runs; seed++) {
      const { recommendation } = await tune(seed, { default: same, twin: same, triplet: same });
      if (recommendation.kind === 'keep-default') calledEqual++;
    }
    expect(calledEqual / runs).toBeGreaterThanOrEqual(0.95);
  }, 60_000);

  it('is reproducible: the same seed gives the same figures and the same words', async () => {
    const a = await tune(7, { default: same, better });
    const b = await tune(7, { default: same, better });
    expect(a.results).toEqual(b.results);
    expect(a.recommendation).toEqual(b.recommendation);
    expect(a.recommendation.text).toMatch(
      /^Apply: better\. p99\.9 [\d.]+ ms → [\d.]+ ms \(improvement [\d.]+–[\d.]+ ms, 95\.0%\)$/,
    );
  });

  it('a worse candidate is never recommended, and its interval says it is slower', async () => {
    const { results, recommendation } = await tune(11, { default: same, worse: { tailScale: 2 } });
    expect(recommendation.kind).toBe('keep-default');
    expect(recommendation.text).toBe('Nothing beats the tier default here by more than the noise.');
    expect(results[1]!.p999Difference!.low).toBeGreaterThan(0);
  });

  it('with two rounds or fewer there is no interval to give', () => {
    const random = seededRandom(1);
    expect(quantileDifference([[1, 2]], [[1, 2]], { level: 0.95, random })).toBeNull();
    const d = quantileDifference([[1], [2], [3]], [[1], [2], [3]], { level: 0.95, random });
    expect(d).toMatchObject({ estimate: 0 });
  });

  it('counts misses and compliance per candidate, with the probe’s own lateness', async () => {
    const { results } = await tune(3, { default: same, better }, 6, 500);
    for (const r of results) {
      expect(r.n).toBe(3000);
      expect(r.blocks).toBe(6);
      expect(r.compliance).toBeCloseTo((r.n - r.misses) / r.n, 12);
      expect(r.complianceLower95!).toBeLessThan(r.compliance!);
      expect(r.probeLateness.n).toBe(3000);
      expect(r.max!).toBeGreaterThanOrEqual(r.p999!);
      expect(r.p999!).toBeGreaterThanOrEqual(r.p99!);
    }
  });
});
