import { ApiError } from '../../../shared/api';
import { summarizeSla } from '../../../shared/verdict';
import type {
  SlaTestProgress,
  SlaTestRequest,
  SlaTestResult,
  SlaTestTierResult,
} from '../../../shared/sla-test';
import { TIERS, type TierName } from '../../../shared/tiers';
import { SLA_TEST_WARMUP_MS } from '../../../shared/sla-test';
import type { MeasurementLink } from '../measurement-link';
import { ProbeProcess } from '../probe/probe-process';
import { spinMsForTier, type ProbeSample } from '../probe/protocol';
import type { RelayResources, RelayService } from '../supervisor/relay-service';
import { CpuContention } from './contention';
import { countMisses, ratio } from '../../../shared/figures';
import { exactLateness, probeLatency } from './exact-stats';

export interface SlaTestContext {
  readonly relay: RelayService;
  readonly link: MeasurementLink;
  readonly resources: RelayResources;
  readonly signal: AbortSignal;
  readonly onProgress: (progress: SlaTestProgress) => void;
  readonly timeoutMs?: number;
}

/**
 * The guided SLA test: for each tier in turn, switch the relay to it (its launch plan applied), run
 * exactly N probes at a fixed rate with a probe under the same plan, and judge the tier against its
 * own objective. Live measurement is paused meanwhile; contention, the tier and live measurement are
 * always put back, also on cancel or failure. The probes go to history, so any report can cover them.
 */
export async function runSlaTest(request: SlaTestRequest, context: SlaTestContext): Promise<SlaTestResult> {
  const { relay, link, signal } = context;
  const timeoutMs = context.timeoutMs ?? 1000;
  const originalTier = relay.status().tier;
  const wasRunning = relay.relay.isActive;
  const contention = new CpuContention({
    execPath: context.resources.execPath,
    script: context.resources.busyScript,
  });
  const startedAt = Date.now();
  const results: SlaTestTierResult[] = [];
  // Restoring names the tier being restored (the one before the test), not the last one tested.
  const progress = (phase: SlaTestProgress['phase'], tierIndex: number, done = 0) =>
    context.onProgress({
      phase,
      tier: phase === 'restoring' ? originalTier : (request.tiers[tierIndex] ?? null),
      tierIndex: Math.min(tierIndex, request.tiers.length - 1),
      tierCount: request.tiers.length,
      done,
      total: request.probesPerTier,
    });

  await link.pause();
  let contentionProcesses = 0;
  try {
    if (request.contention) {
      progress('contention', 0);
      contentionProcesses = await contention.start();
    }
    for (const [index, tier] of request.tiers.entries()) {
      throwIfCancelled(signal);
      progress('switching', index);
      await relay.switchTier(tier);
      if (!relay.relay.isActive) await relay.start();
      throwIfCancelled(signal);
      results.push(
        await probeTier(tier, request, context, timeoutMs, (done) => progress('probing', index, done)),
      );
    }
  } finally {
    await contention.stop();
    progress('restoring', request.tiers.length - 1);
    if (relay.status().tier !== originalTier) await relay.switchTier(originalTier).catch(() => undefined);
    if (!wasRunning) await relay.stop().catch(() => undefined);
    link.resume();
  }
  const first = results[0]?.latency ?? undefined;
  const last = results.length > 1 ? (results[results.length - 1]?.latency ?? undefined) : undefined;
  const result: SlaTestResult = {
    startedAt,
    finishedAt: Date.now(),
    request,
    contentionProcesses,
    tiers: results,
    improvement:
      results.length > 1
        ? {
            from: results[0]!.tier,
            to: results[results.length - 1]!.tier,
            mean: ratio(first?.mean, last?.mean),
            p999: ratio(first?.p999, last?.p999),
            max: ratio(first?.max, last?.max),
          }
        : null,
  };
  link.measurement.recordEvent('sla-test', result as unknown as Record<string, unknown>);
  progress('done', request.tiers.length - 1, request.probesPerTier);
  return result;
}

async function probeTier(
  tier: TierName,
  request: SlaTestRequest,
  context: SlaTestContext,
  timeoutMs: number,
  onDone: (done: number) => void,
): Promise<SlaTestTierResult> {
  const target = context.relay.probeTarget();
  if (!target)
    throw new ApiError('NOT_RUNNING', `The relay did not become ready on the ${tier} tier; see Logs.`);
  const samples: ProbeSample[] = [];
  const warmup: ProbeSample[] = [];
  let warmupEndsAt = Infinity;
  const probe = new ProbeProcess({
    execPath: context.resources.execPath,
    script: context.resources.probeScript,
    argvPrefix: target.argvPrefix,
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    apiUrl: target.apiUrl,
    key: target.key,
    rateHz: request.rateHz,
    timeoutMs,
    // Blocks relayed during the test are shown and stored like live ones (the live probe is paused).
    stream: true,
    spinMs: spinMsForTier(tier),
  });
  probe.on('block', (block) => context.link.measurement.recordBlock(block));
  // Slots are placed by their intended time, so the warm-up is the same slots whatever order they answer in.
  probe.on('sampling', (at) => (warmupEndsAt = at + SLA_TEST_WARMUP_MS));
  const startedAt = Date.now();
  try {
    await new Promise<void>((resolve, reject) => {
      const onAbort = () =>
        reject(new ApiError('CANCELLED', 'SLA test cancelled; the relay is back on its tier.'));
      context.signal.addEventListener('abort', onAbort, { once: true });
      probe.on('samples', (batch) => {
        for (const sample of batch) {
          if (sample[0] < warmupEndsAt) warmup.push(sample);
          else if (samples.length < request.probesPerTier) samples.push(sample);
        }
        onDone(samples.length);
        if (samples.length >= request.probesPerTier) {
          context.signal.removeEventListener('abort', onAbort);
          resolve();
        }
      });
      probe.start();
    });
  } finally {
    await probe.stop();
  }
  context.link.measurement.history.addSamples(tier, samples, 'sla-test');
  const spec = TIERS[tier];
  const misses = countMisses(samples, spec.targetMs, timeoutMs);
  return {
    tier,
    startedAt,
    finishedAt: Date.now(),
    n: samples.length,
    failed: misses.errors + misses.timeouts,
    misses,
    probeLateness: exactLateness(samples),
    warmup: {
      n: warmup.length,
      overTarget: warmup.filter(([, latencyMs, ok]) => !ok || latencyMs > spec.targetMs).length,
      ms: SLA_TEST_WARMUP_MS,
    },
    latency: probeLatency(samples, timeoutMs),
    sla: summarizeSla(misses, spec),
    launch: context.relay.status().launch,
  };
}

function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new ApiError('CANCELLED', 'SLA test cancelled; the relay is back on its tier.');
}
