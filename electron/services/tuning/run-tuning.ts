import { randomUUID } from 'node:crypto';
import { ApiError } from '../../../shared/api';
import { targetKind } from '../../../shared/launch';
import type { Capabilities } from '../../../shared/launch';
import {
  TuneRequest,
  type SkippedCandidate,
  type TuneCandidate,
  type TuneDesign,
  type TuneProgress,
  type TuneResult,
} from '../../../shared/tuning';
import { TIERS } from '../../../shared/tiers';
import { probeCapabilities } from '../launch';
import type { MeasurementLink } from '../measurement-link';
import type { ProbeSample } from '../probe/protocol';
import { CpuContention } from '../sla-test/contention';
import type { RelayResources, RelayService } from '../supervisor/relay-service';
import { analyse } from './analysis';
import { tuningCandidates } from './candidates';
import { designExperiment, neededBudget, type DesignInput } from './design';
import { runExperiment } from './experiment';
import { liveRunner } from './live-runner';
import { machineIdentity } from './machine';
import type { TuningStore } from './tuning-store';
import type { SettingsStore } from '../settings/settings-store';

/**
 * Until this machine has measured its own: a block's cost beyond its probes (relay restart until
 * ready, probe start and stop). Measured on the 2-CPU development machine: 1.4–1.6 s for the restart
 * alone, about 3 s in all under contention.
 */
export const DEFAULT_SWITCH_SECONDS = 3;

export interface TuningPlan {
  readonly candidates: TuneCandidate[];
  readonly skipped: SkippedCandidate[];
  readonly design: TuneDesign;
}

export interface TuningDeps {
  readonly relay: RelayService;
  readonly link: MeasurementLink;
  readonly resources: RelayResources;
  readonly store: TuningStore;
  readonly settings: SettingsStore;
  /** Tests pass a capability set (a refused, non-root machine); the panel probes its own. */
  readonly capabilities?: () => Promise<Capabilities>;
}

export interface TuningContext extends TuningDeps {
  readonly signal: AbortSignal;
  readonly onProgress: (progress: TuneProgress) => void;
  readonly timeoutMs?: number;
}

/** The candidates and the design a run would use, with its time estimate, before anything runs. */
export async function planTuning(request: TuneRequest, deps: TuningDeps): Promise<TuningPlan> {
  const capabilities = await (deps.capabilities ?? probeCapabilities)();
  const kind = targetKind(deps.settings.get().relay);
  const proposed = tuningCandidates(request.tier, capabilities, kind);
  // The last run here measured what a block costs on this machine: a better estimate than ours.
  const measured = deps.store.latest()?.design.switchSeconds;
  const { candidates, skipped } = fitToBudget(proposed.candidates, proposed.skipped, {
    budgetSeconds: request.budgetSeconds,
    rateHz: request.rateHz,
    switchSeconds: measured && measured > 0 ? measured : DEFAULT_SWITCH_SECONDS,
  });
  const design = designExperiment({
    budgetSeconds: request.budgetSeconds,
    rateHz: request.rateHz,
    switchSeconds: measured && measured > 0 ? measured : DEFAULT_SWITCH_SECONDS,
    candidates: candidates.length,
  });
  return { candidates, skipped, design };
}

/**
 * The tuning experiment on the live relay. Live measurement pauses (the experiment's probe is the
 * only one on the relay), the tier switches if needed, each block restarts the relay under its
 * candidate's plan; contention, the saved plan, the tier and live measurement are always put back,
 * also on cancel or failure. The run is stored with the machine it was measured on.
 */
export async function runTuning(input: TuneRequest, context: TuningContext): Promise<TuneResult> {
  const request = TuneRequest.parse(input);
  const seed = request.seed ?? Math.floor(Math.random() * 0xffffffff);
  const { relay, link, signal } = context;
  const timeoutMs = context.timeoutMs ?? 1000;
  const capabilities = await (context.capabilities ?? probeCapabilities)();
  const plan = await planTuning(request, { ...context, capabilities: async () => capabilities });
  const { candidates, skipped } = plan;
  let design = plan.design;
  const startedAt = Date.now();
  const originalTier = relay.status().tier;
  const wasRunning = relay.relay.isActive;
  const contention = new CpuContention({
    execPath: context.resources.execPath,
    script: context.resources.busyScript,
    maxSeconds: request.budgetSeconds * 2 + 60,
  });
  const elapsed = () => (Date.now() - startedAt) / 1000;
  const progress = (phase: TuneProgress['phase'], extra: Partial<TuneProgress> = {}) =>
    context.onProgress({
      phase,
      tier: request.tier,
      candidate: null,
      round: 0,
      rounds: design.rounds,
      blocksDone: 0,
      blocksTotal: design.rounds * candidates.length,
      elapsedSeconds: elapsed(),
      estimateSeconds: design.estimateSeconds,
      ...extra,
    });

  progress('planning');
  await link.pause();
  let contentionProcesses = 0;
  let samples;
  const switches: number[] = [];
  const warmups: ProbeSample[][] = candidates.map(() => []);
  const stalled: number[] = candidates.map(() => 0);
  try {
    if (request.contention) {
      progress('contention');
      contentionProcesses = await contention.start();
    }
    if (relay.status().tier !== request.tier) await relay.switchTier(request.tier);
    const runner = liveRunner({
      relay,
      link,
      resources: context.resources,
      rateHz: request.rateHz,
      timeoutMs,
    });
    // The user's budget is kept: rounds the measured switch times leave no room for are not started.
    const deadline = performance.now() + (request.budgetSeconds - elapsed() - 2) * 1000;
    samples = await runExperiment(
      design,
      candidates,
      runner,
      signal,
      (done) => {
        switches.push(done.switchSeconds);
        const index = candidates.indexOf(done.candidate);
        warmups[index]!.push(...done.warmup);
        stalled[index]! += done.stalled;
        const switchSeconds = switches.reduce((a, b) => a + b, 0) / switches.length;
        const perBlock = switchSeconds + (design.warmupProbes + design.blockProbes) / design.rateHz;
        progress('measuring', {
          candidate: done.candidate.label,
          round: done.round + 1,
          blocksDone: done.blocksDone,
          estimateSeconds: elapsed() + (done.blocksTotal - done.blocksDone) * perBlock,
        });
      },
      deadline,
    );
  } finally {
    await contention.stop();
    progress('restoring');
    relay.setTrialOverrides(null);
    if (relay.status().tier !== originalTier) await relay.switchTier(originalTier).catch(() => undefined);
    // Back on the saved plan: a relay still running a tried plan is restarted under its own.
    if (wasRunning) await relay.restart().catch(() => undefined);
    else await relay.stop().catch(() => undefined);
    link.resume();
  }
  if (switches.length > 0) {
    // What ran: the rounds completed, and the switch time measured here (the next estimate uses it).
    const rounds = Math.min(...samples.map((perCandidate) => perCandidate.length));
    const switchSeconds = switches.reduce((a, b) => a + b, 0) / switches.length;
    design = {
      ...design,
      rounds,
      switchSeconds,
      estimateSeconds: (Date.now() - startedAt) / 1000,
    };
  }
  const spec = TIERS[request.tier];
  const analysis = analyse({
    measured: candidates.map((candidate, index) => ({
      candidate,
      // Blocks of a round the budget cut short do not count (every candidate keeps as many blocks).
      rounds: samples[index]!.slice(0, design.rounds),
      warmup: warmups[index],
      stalledProbes: stalled[index],
    })),
    targetMs: spec.targetMs,
    objective: spec.objective,
    timeoutMs,
    seed,
  });
  const result: TuneResult = {
    id: randomUUID(),
    startedAt,
    finishedAt: Date.now(),
    request: { ...request, seed },
    targetMs: spec.targetMs,
    objective: spec.objective,
    contentionProcesses,
    design,
    intervalLevel: analysis.level,
    machine: machineIdentity(capabilities, targetKind(context.settings.get().relay)),
    results: analysis.results,
    skipped,
    recommendation: analysis.recommendation,
  };
  context.store.add(result);
  // The whole run goes to history too, so a report of the period carries its Tuning section.
  link.measurement.recordEvent('tuning', result as unknown as Record<string, unknown>);
  progress('done', { blocksDone: design.rounds * candidates.length, round: design.rounds });
  return result;
}

function requireCandidates(count: number): void {
  if (count < 2) {
    throw new ApiError(
      'INVALID_PARAMS',
      'This machine grants no plan besides the tier default: nothing to compare.',
    );
  }
}

/**
 * A budget too short for every candidate drops the last ones (they are listed by relevance), saying
 * what budget would include each, rather than shrinking blocks below what a p99.9 needs.
 */
export function fitToBudget(
  proposed: readonly TuneCandidate[],
  alreadySkipped: readonly SkippedCandidate[],
  input: Omit<DesignInput, 'candidates'>,
): { candidates: TuneCandidate[]; skipped: SkippedCandidate[] } {
  requireCandidates(proposed.length);
  const candidates = [...proposed];
  const dropped: SkippedCandidate[] = [];
  while (
    candidates.length > 2 &&
    neededBudget({ ...input, candidates: candidates.length }) > input.budgetSeconds
  ) {
    const needed = neededBudget({ ...input, candidates: candidates.length });
    const last = candidates.pop()!;
    dropped.unshift({
      label: last.label,
      reason: `not enough time: a budget of ${needed} s would include it`,
    });
  }
  return { candidates, skipped: [...alreadySkipped, ...dropped] };
}
