import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { missRateLowerBound95, missRateUpperBound95 } from '../../../shared/sla';
import type { SlaTestResult } from '../../../shared/sla-test';
import type { TuneProgress, TuneResult, TuneRunSummary } from '../../../shared/tuning';
import { createAppServices, type AppServices } from '../app-services';
import { relayResources } from '../supervisor/relay-service';
import { busyPids } from '../sla-test/test-support/busy-pids';

/**
 * Timing test (npm run test:timing runs it alone): tune enterprise on this machine under contention
 * with a 90 s budget, apply the recommendation, and confirm it with SLA tests of 3,000 probes each,
 * default and (when one was made) recommended, under the same contention. About 2–2.5 minutes.
 */

let services: AppServices | null = null;
afterEach(async () => {
  await services?.dispose();
  services = null;
});

const signal = () => new AbortController().signal;

describe('tuning this machine', () => {
  it('tunes enterprise under contention in 90 s, applies the result, and an SLA test confirms it', async () => {
    const app = (services = createAppServices({
      dataDir: mkdtempSync(path.join(os.tmpdir(), 'sprint-tuning-')),
      resources: relayResources(path.resolve('dist/relay')),
    }));
    await app.relay.start();
    const progress: TuneProgress[] = [];
    const launchWhileMeasuring: string[] = [];
    app.events.subscribe((envelope) => {
      if (envelope.event !== 'tune.progress') return;
      progress.push(envelope.payload);
      // At the moment of each block the relay runs on the tier being tuned, under a tried plan.
      if (envelope.payload.phase === 'measuring') launchWhileMeasuring.push(app.relay.status().tier);
    });

    const startedAt = Date.now();
    const result = (await app.dispatch(
      'tune.run',
      { tier: 'enterprise', budgetSeconds: 90, rateHz: 200, contention: true, seed: 23 },
      { signal: signal() },
    )) as TuneResult;
    const tookSeconds = (Date.now() - startedAt) / 1000;
    console.log(
      `tuning took ${tookSeconds.toFixed(1)} s: ${JSON.stringify(result.design)}\n` +
        result.results
          .map(
            (r) =>
              `${r.candidate.label}: n ${r.n} p50 ${r.p50?.toFixed(2)} p99 ${r.p99?.toFixed(2)} ` +
              `p99.9 ${r.p999?.toFixed(2)} max ${r.max?.toFixed(2)} misses ${r.misses} ` +
              `diff ${JSON.stringify(r.p999Difference)} warm-up ${JSON.stringify(r.warmup)} ` +
              `stalled ${r.stalledProbes}`,
          )
          .join('\n') +
        `\n${result.recommendation.text}`,
    );

    // The budget is kept within a sixth (blocks of a slow candidate run late), and the design is fair.
    expect(tookSeconds).toBeLessThan(90 + 15);
    expect(result.contentionProcesses).toBe(2 * os.availableParallelism());
    expect(result.results.length).toBeGreaterThanOrEqual(2);
    expect(result.design.rounds).toBeGreaterThanOrEqual(6);
    for (const r of result.results) {
      expect(r.n).toBe(result.design.rounds * result.design.blockProbes);
      expect(r.blocks).toBe(result.design.rounds);
    }
    expect(launchWhileMeasuring.length).toBe(result.design.rounds * result.results.length);
    expect(launchWhileMeasuring.every((tier) => tier === 'enterprise')).toBe(true);
    expect(progress.at(-1)?.phase).toBe('done');
    // Put back: the panel's tier (free), a running relay on its saved plan, no busy process.
    expect(app.relay.status().tier).toBe('free');
    expect(app.relay.status().state).toBe('running');
    expect(app.relay.status().launch?.items.some((item) => item.overridden)).toBe(false);
    expect(busyPids()).toEqual([]);
    // Stored with this machine, and offered again here.
    const last = (await app.dispatch('tune.last', {}, { signal: signal() })) as TuneRunSummary;
    expect(last.result?.id).toBe(result.id);
    expect(last.otherMachine).toBeNull();

    // Apply the recommendation (or keep the default when nothing beat it), then confirm.
    const recommended = result.recommendation.kind === 'apply' ? result.recommendation.overrides : {};
    if (result.recommendation.kind === 'apply') {
      await app.dispatch('tune.apply', { id: result.id, as: 'overrides' }, { signal: signal() });
      expect(app.settings.get().overrides.enterprise).toEqual(recommended);
    }
    const sla = async (overrides: object) => {
      app.settings.update({ overrides: { ...app.settings.get().overrides, enterprise: overrides } });
      const run = (await app.dispatch(
        'slaTest.run',
        { tiers: ['enterprise'], probesPerTier: 3000, rateHz: 200, contention: true },
        { signal: signal() },
      )) as SlaTestResult;
      return run.tiers[0]!;
    };
    const baseline = await sla({});
    console.log(
      `confirm: default p99.9 ${baseline.latency?.p999.toFixed(2)} misses ${baseline.misses?.misses}`,
    );
    expect(baseline.n).toBe(3000);
    // The tier default inside the experiment measures as an SLA test of the same plan does: a block
    // counts only once the relay serves and the warm-up is over, so the switches between blocks do
    // not land on it. Before that fix: p99 1000 ms (probes charged the switch as timeouts) and 157
    // misses of 1,368 in the experiment, against about 10 of 3,000 in the SLA test.
    const inExperiment = result.results[0]!;
    console.log(
      `default in the experiment: n ${inExperiment.n} p99 ${inExperiment.p99?.toFixed(2)} ` +
        `p99.9 ${inExperiment.p999?.toFixed(2)} max ${inExperiment.max?.toFixed(2)} misses ${inExperiment.misses}; ` +
        `in the SLA test: n 3000 p99 ${baseline.latency?.p99.toFixed(2)} p99.9 ` +
        `${baseline.latency?.p999.toFixed(2)} misses ${baseline.misses?.misses}`,
    );
    // No counted probe stood for a switch: none stalled, none near the probe's 1 s timeout.
    expect(inExperiment.stalledProbes).toBe(0);
    expect(inExperiment.max!).toBeLessThan(500);
    // The two are minutes apart on a shared machine whose noise moves: one CI run read 27 misses of
    // 2,100 in the experiment against 8 of 3,000 in the SLA test (p99 6.3 / 1.7 ms), both under
    // contention, the SLA test's own p99.9 nearly twice the run before's (6.1 / 3.3 ms). So the
    // experiment's miss rate is held within four times the SLA test's 95% upper bound, and its p99
    // within twice the target or three times the SLA test's: far inside what charging the switches
    // did (a tenth missed, p99 1 s).
    expect(missRateLowerBound95(inExperiment.misses, inExperiment.n)).toBeLessThanOrEqual(
      4 * missRateUpperBound95(baseline.misses!.misses, 3000),
    );
    expect(inExperiment.p99!).toBeLessThanOrEqual(Math.max(2 * result.targetMs, 3 * baseline.latency!.p99));
    // When nothing beat the default, the plan to confirm is the default: the SLA test above. (Run
    // twice, the same plan once read p99.9 84 ms with 25 misses, then 5.3 ms with 4: a second run
    // would compare the machine's noise with itself.)
    if (result.recommendation.kind !== 'apply') return;
    // Not worse: the recommended plan's miss rate is not significantly above the default's (its 95%
    // lower bound does not exceed the default's 95% upper bound), and its tail is not far behind.
    const tuned = await sla(recommended);
    console.log(
      `confirm: recommended p99.9 ${tuned.latency?.p999.toFixed(2)} misses ${tuned.misses?.misses}`,
    );
    expect(tuned.n).toBe(3000);
    expect(missRateLowerBound95(tuned.misses!.misses, 3000)).toBeLessThanOrEqual(
      missRateUpperBound95(baseline.misses!.misses, 3000),
    );
    expect(tuned.latency!.p99).toBeLessThanOrEqual(baseline.latency!.p99 * 1.5 + 0.5);
  }, 330_000);
});
