import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { MetricsTick } from '../../../shared/metrics';
import { startRelayHarness, type RelayHarness } from '../probe/test-support/relay-harness';
import { MeasurementService } from './measurement-service';

const DIST = fileURLToPath(new URL('../../../dist/relay/', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let dir = '';
let harness: RelayHarness | null = null;
let service: MeasurementService | null = null;
afterEach(async () => {
  await service?.close();
  await harness?.stop();
  service = null;
  harness = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('settings take effect when saved', () => {
  it('a new probe rate restarts the probe at that rate, same windows; the tick shows the probe state', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'measurement-settings-'));
    const h = (harness = await startRelayHarness({ distDir: DIST }));
    await h.mine(1);
    const s = (service = new MeasurementService({
      history: path.join(dir, 'history.db'),
      execPath: process.execPath,
      probeScript: path.join(DIST, 'probe.mjs'),
      rateHz: 5,
      retention: { rawDays: 7, aggregateDays: 90 },
      tickIntervalMs: 250,
    }));
    const ticks: MetricsTick[] = [];
    s.on('tick', (t) => ticks.push(t));
    await s.attach({ apiUrl: h.apiUrl, key: h.key, tier: 'pro', relayPid: h.relayPid, argvPrefix: [] });
    await sleep(2500);
    const pidBefore = s.probePid;
    await s.setRate(40);
    const changedAt = Date.now();
    expect(s.probeRateHz).toBe(40);
    expect(s.probePid).not.toBe(pidBefore);
    await sleep(4500);
    // Samples stored after the change come at 40 Hz: a whole second holds 40 slots.
    s.history.flush();
    const from = Math.ceil((changedAt + 1000) / 1000) * 1000;
    expect(s.history.countSamples(from, from + 1000)).toBe(40);
    expect(s.history.countSamples(from - 5000, changedAt - 1000)).toBeLessThanOrEqual(5 * 4);
    const last = ticks.at(-1);
    expect(last?.probe?.state).toBe('sampling');
    // Windows carried on across the restart (same tier): the session holds both rates' samples.
    expect(last?.windows.session.latency.n ?? 0).toBeGreaterThan(40);
    expect(last?.coverage?.session.expected ?? 0).toBeGreaterThan(0);
  }, 30_000);

  it('before the first block the probe says so, and those seconds count against coverage', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'measurement-waiting-'));
    const h = (harness = await startRelayHarness({ distDir: DIST }));
    const s = (service = new MeasurementService({
      history: path.join(dir, 'history.db'),
      execPath: process.execPath,
      probeScript: path.join(DIST, 'probe.mjs'),
      rateHz: 10,
      retention: { rawDays: 7, aggregateDays: 90 },
      tickIntervalMs: 250,
      timeoutMs: 200,
    }));
    const ticks: MetricsTick[] = [];
    s.on('tick', (t) => ticks.push(t));
    await s.attach({ apiUrl: h.apiUrl, key: h.key, tier: 'pro', relayPid: h.relayPid, argvPrefix: [] });
    await sleep(3500);
    const waiting = ticks.at(-1);
    expect(waiting?.probe?.state).toBe('waiting-for-block');
    expect(waiting?.windows.session.latency.n).toBe(0);
    expect(waiting?.coverage?.session.expected ?? 0).toBeGreaterThan(0);
    expect(waiting?.coverage?.session.share).toBe(0);
    await h.mine(1);
    await sleep(2500);
    const sampling = ticks.at(-1);
    expect(sampling?.probe?.state).toBe('sampling');
    const covered = sampling?.coverage?.session;
    expect(sampling?.windows.session.latency.n ?? 0).toBeGreaterThan(0);
    // The seconds spent waiting stay in the window's slots: it is not fully covered.
    expect(covered?.share ?? 1).toBeLessThan(1);
  }, 30_000);
});
