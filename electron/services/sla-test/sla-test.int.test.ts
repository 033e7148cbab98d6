import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/api';
import type { SlaTestProgress, SlaTestResult } from '../../../shared/sla-test';
import { createAppServices, type AppServices } from '../app-services';
import { relayResources } from '../supervisor/relay-service';
import { busyPids } from './test-support/busy-pids';

let services: AppServices | null = null;
afterEach(async () => {
  await services?.dispose();
  services = null;
});

function makeServices(): AppServices {
  services = createAppServices({
    dataDir: mkdtempSync(path.join(os.tmpdir(), 'sprint-sla-test-')),
    resources: relayResources(path.resolve('dist/relay')),
  });
  return services;
}

describe('the SLA test', () => {
  it('runs each tier in turn under contention, judges each, and puts everything back', async () => {
    const app = makeServices();
    await app.relay.start();
    const progress: SlaTestProgress[] = [];
    const liveProbeWhileProbing: unknown[] = [];
    app.events.subscribe((envelope) => {
      if (envelope.event !== 'slaTest.progress') return;
      progress.push(envelope.payload);
      // The test's probe must be the only one on the relay: live measurement stays paused.
      if (envelope.payload.phase === 'probing') liveProbeWhileProbing.push(app.measurement.attached);
    });
    const result = (await app.dispatch(
      'slaTest.run',
      { tiers: ['free', 'enterprise'], probesPerTier: 200, rateHz: 200, contention: true },
      { signal: new AbortController().signal },
    )) as SlaTestResult;

    expect(result.tiers.map((tier) => [tier.tier, tier.n])).toEqual([
      ['free', 200],
      ['enterprise', 200],
    ]);
    expect(result.contentionProcesses).toBe(2 * os.availableParallelism());
    for (const tier of result.tiers) {
      expect(tier.sla.n).toBe(200);
      // The first 0.5 s after each tier's relay started (100 slots at 200 Hz) is warm-up, shown apart.
      expect(tier.warmup).toMatchObject({ n: 100, ms: 500 });
      expect(tier.sla.targetMs).toBe(tier.tier === 'free' ? 1000 : 5);
      // 200 probes cannot prove 99.9% (nor 99%): the verdict must say so rather than pass.
      expect(tier.sla.verdict).not.toBe('pass');
      expect(tier.latency!.max).toBeGreaterThanOrEqual(tier.latency!.p999);
      expect(tier.launch?.tier).toBe(tier.tier);
    }
    expect(result.improvement).toMatchObject({ from: 'free', to: 'enterprise' });
    // Progress reached the end of each tier, in order.
    const probing = progress.filter((p) => p.phase === 'probing');
    expect(probing.at(-1)).toMatchObject({ tier: 'enterprise', done: 200, total: 200 });
    expect(progress.at(-1)?.phase).toBe('done');
    expect(liveProbeWhileProbing.length).toBeGreaterThan(0);
    expect(liveProbeWhileProbing.every((attached) => attached === null)).toBe(true);
    // Put back: the tier, a running relay, no busy process, live measurement attached again.
    expect(app.relay.status().tier).toBe('free');
    expect(app.relay.status().state).toBe('running');
    expect(busyPids()).toEqual([]);
    await expect.poll(() => app.measurement.attached?.tier, { timeout: 5000 }).toBe('free');
    // The probes are in history as their own record (source sla-test), never in the live charts.
    // Flushed first: the test's closing event is written in the batch after the result.
    app.measurement.history.flush();
    const history = app.measurement.query({
      from: result.startedAt,
      to: result.finishedAt + 1,
      resolution: 'raw',
      maxPoints: 100_000,
    });
    expect(history.points).toHaveLength(
      app.measurement.history.countSamples(result.startedAt, result.finishedAt + 1, ['live']),
    );
    const probes = app.measurement.history.countSamples(result.startedAt, result.finishedAt + 1, [
      'sla-test',
    ]);
    expect(probes).toBe(result.tiers.reduce((sum, tier) => sum + tier.n, 0));
    // The closing event is written once the tier is restored, after finishedAt: read up to now.
    const events = app.measurement.query({
      from: result.startedAt,
      to: Date.now() + 1,
      resolution: 'raw',
      maxPoints: 10,
    });
    expect(events.events.some((event) => event.kind === 'sla-test')).toBe(true);
  }, 60_000);

  it('cancel stops it, stops the contention and restores the tier', async () => {
    const app = makeServices();
    await app.relay.start();
    const controller = new AbortController();
    app.events.subscribe((envelope) => {
      if (
        envelope.event === 'slaTest.progress' &&
        envelope.payload.phase === 'probing' &&
        envelope.payload.done >= 50
      ) {
        controller.abort();
      }
    });
    const error = await app
      .dispatch(
        'slaTest.run',
        { tiers: ['enterprise'], probesPerTier: 5000, rateHz: 100, contention: true },
        { signal: controller.signal },
      )
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('CANCELLED');
    expect(app.relay.status().tier).toBe('free');
    expect(busyPids()).toEqual([]);
  }, 60_000);
});
