import { linuxCaps } from '../../../../shared/launch/test-support/capabilities';
import type { TuneCandidate, TuneDesign, TuneResult } from '../../../../shared/tuning';
import { analyse } from '../analysis';
import type { ProbeSample } from '../../probe/protocol';
import { runExperiment, type BlockRunner } from '../experiment';
import { seededRandom } from '../statistics';

/** How a synthetic candidate differs: its pauses scaled (1 = as the default), its base shifted. */
export interface SyntheticEffect {
  readonly tailScale: number;
  readonly shiftMs?: number;
}

export const candidate = (id: string, label = id): TuneCandidate => ({
  id,
  label,
  overrides: id === 'default' ? {} : { realtime: true },
  probe: 'with-relay',
  probeCpus: null,
  applicable: true,
});

/**
 * A machine whose latency is known: about 0.8 ms per probe, 0.4% of probes hit a pause of 2–6 ms
 * (scaled per candidate), and everything drifts in time (a mean-reverting walk per block), as a
 * shared machine does. The drift is what a block design must survive.
 */
export function syntheticMachine(
  seed: number,
  effects: Readonly<Record<string, SyntheticEffect>>,
): BlockRunner {
  const random = seededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  let logDrift = 0;
  let drift = 1;
  return {
    async switchTo() {
      // Mean-reverting (AR(1) in log): load comes and goes; the machine has a p99.9 to find.
      logDrift = DRIFT_MEMORY * logDrift + DRIFT_STEP * normal();
      drift = Math.exp(logDrift);
    },
    async probe(c, shape) {
      const effect = effects[c.id] ?? { tailScale: 1 };
      const samples = Array.from({ length: shape.warmupProbes + shape.blockProbes }, (_, i): ProbeSample => [
        i,
        sampleLatency(random, normal, effect) * drift,
        true,
        0.01,
      ]);
      return {
        warmup: samples.slice(0, shape.warmupProbes),
        counted: samples.slice(shape.warmupProbes),
        stalled: 0,
      };
    },
  };
}

export const DRIFT_MEMORY = 0.8;
export const DRIFT_STEP = 0.05;
/** The drift's stationary spread: what a long run of blocks sees. */
export const DRIFT_SD = DRIFT_STEP / Math.sqrt(1 - DRIFT_MEMORY ** 2);

export function sampleLatency(random: () => number, normal: () => number, effect: SyntheticEffect): number {
  const base = 0.8 * Math.exp(0.2 * normal()) + (effect.shiftMs ?? 0);
  const pause = random() < 0.004 ? (2 + 4 * random()) * effect.tailScale : 0;
  return base + pause;
}

export const syntheticDesign = (candidates: number, rounds = 10, blockProbes = 300): TuneDesign => ({
  candidates,
  rounds,
  blockProbes,
  warmupProbes: 0,
  rateHz: 200,
  switchSeconds: 0,
  estimateSeconds: 0,
});

/**
 * A whole stored run from the synthetic machine: the default and a candidate with smaller pauses
 * ("real-time on" unless the test hands in another).
 */
export async function syntheticTuneResult(
  seed = 5,
  better: TuneCandidate = candidate('better', 'real-time on'),
): Promise<TuneResult> {
  const candidates = [candidate('default', 'tier default'), better];
  const design = { ...syntheticDesign(2, 12, 500), warmupProbes: 100, switchSeconds: 1.5 };
  const effects = { default: { tailScale: 1 }, [better.id]: { tailScale: 0.3 } };
  const warmups: ProbeSample[][] = candidates.map(() => []);
  const samples = await runExperiment(
    design,
    candidates,
    syntheticMachine(seed, effects),
    new AbortController().signal,
    (done) => warmups[candidates.indexOf(done.candidate)]!.push(...done.warmup),
  );
  const analysis = analyse({
    measured: candidates.map((c, i) => ({ candidate: c, rounds: samples[i]!, warmup: warmups[i] })),
    targetMs: 5,
    objective: 0.999,
    timeoutMs: 1000,
    seed,
    resamples: 1000,
  });
  return {
    id: `synthetic-${seed}`,
    startedAt: Date.UTC(2026, 11, 6, 12),
    finishedAt: Date.UTC(2026, 11, 6, 12, 3),
    request: { tier: 'enterprise', budgetSeconds: 180, rateHz: 200, contention: true, seed },
    targetMs: 5,
    objective: 0.999,
    contentionProcesses: 4,
    design,
    intervalLevel: analysis.level,
    machine: {
      hostname: 'box',
      platform: 'linux',
      kernel: '6.1.0',
      cpuModel: 'Xeon',
      cpuCount: 2,
      capabilities: linuxCaps(2),
      relayTarget: 'builtin',
    },
    results: analysis.results,
    skipped: [{ label: 'V8 heap / semi-space size', reason: 'the launch plan has no setting for it yet' }],
    recommendation: analysis.recommendation,
  };
}
