import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MetricsTick, WindowName } from '../../../shared/metrics';
import { isWithinTarget } from '../../../shared/sla';
import { TIERS, type TierName } from '../../../shared/tiers';
import { HistoryStore } from '../history/history-store';
import type { RawSample } from '../history/types';
import type { Aggregator } from './aggregator';
import { TierWindows } from './tier-windows';

/**
 * The windows across tier switches, SLA tests and panel restarts, against a real SQLite history: each
 * window's n and misses must equal what a report reads from the raw samples of its tier over the
 * window's span (what the e2e test checks against an exported report).
 */

const T0 = Date.UTC(2026, 0, 1, 10); // a whole hour
const RATE = 10;
const MIN = 60_000;

let dir: string;
let history: HistoryStore;
let clock = T0;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tier-windows-'));
  history = openHistory();
});
afterEach(() => {
  history.close();
  rmSync(dir, { recursive: true, force: true });
});

function openHistory(): HistoryStore {
  return HistoryStore.open({
    file: path.join(dir, 'history.db'),
    retention: { rawDays: 7, aggregateDays: 90 },
    now: () => clock,
    flushIntervalMs: 600_000,
  });
}

function newWindows(): TierWindows {
  return new TierWindows({
    history,
    timeoutMs: 1000,
    onWarning: (m) => {
      throw new Error(m);
    },
  });
}

/** Latencies that put some samples over every tier's target, a few errors among them. */
function samples(from: number, to: number, seed: number): RawSample[] {
  const out: RawSample[] = [];
  let i = seed;
  for (let t = from; t < to; t += 1000 / RATE, i++) {
    const latency = i % 53 === 0 ? 600 : i % 17 === 0 ? 8 : 0.4 + (i % 7) / 10;
    out.push([t, latency, i % 101 !== 0, 0.01]);
  }
  return out;
}

/**
 * What MeasurementService does while attached: record, store, tick once a second; then the ticks
 * that close the last seconds (the probe's close lag), and the detach of a switch.
 */
function run(agg: Aggregator, windows: TierWindows, from: number, to: number, seed = 0): MetricsTick {
  const all = samples(from, to, seed);
  let i = 0;
  for (let s = from; s < to; s += 1000) {
    const batch: RawSample[] = [];
    for (; i < all.length && (all[i]?.[0] ?? Infinity) < s + 1000; i++) batch.push(all[i] as RawSample);
    agg.record(batch);
    history.addSamples(agg.tier, batch);
    clock = s + 1000;
    const { closed } = agg.tick(clock);
    for (const second of closed) history.addSecond(second);
  }
  const last = tickNow(agg, windows, to + 3000);
  for (const second of agg.closeOpen()) history.addSecond(second);
  return last;
}

function tickNow(agg: Aggregator, windows: TierWindows, now: number): MetricsTick {
  clock = now;
  const { tick, closed } = agg.tick(now);
  for (const second of closed) history.addSecond(second);
  return { ...tick, ...windows.complete(tick, RATE, now), resources: null };
}

/** What a report counts: raw live samples of `tier` in [from, to), misses against its target. */
function reportCounts(tier: TierName, from: number, to: number): { n: number; misses: number } {
  history.flush();
  let n = 0;
  let misses = 0;
  for (const page of history.iterateSamples(from, to, 10_000)) {
    for (const s of page) {
      if (s.tier !== tier) continue;
      n++;
      if (!isWithinTarget(s.ok, s.latencyMs, TIERS[tier].targetMs)) misses++;
    }
  }
  return { n, misses };
}

function expectAgreesWithReport(tick: MetricsTick, name: WindowName): void {
  const w = tick.windows[name];
  expect(w.span).toBeDefined();
  const span = w.span ?? { from: 0, to: 0 };
  expect(reportCounts(tick.tier, span.from, span.to)).toEqual({ n: w.sla.n, misses: w.sla.errorBudget.used });
}

describe('TierWindows', () => {
  it('keeps a tier’s hour across a switch away and back, and lists the other tier judged by its own SLA', () => {
    const windows = newWindows();
    const enterprise = windows.use('enterprise', T0);
    run(enterprise, windows, T0, T0 + 10 * MIN);
    // Switch to pro for 5 minutes.
    const pro = windows.use('pro', clock);
    const atSwitch = tickNow(pro, windows, clock + 1000);
    // The moment of the switch: pro has nothing yet; enterprise's 10 minutes are in the same hour, listed
    // with their own verdict, never merged into pro's figures.
    expect(atSwitch.windows['1h'].sla.n).toBe(0);
    expect(atSwitch.windows['1h'].sla.verdict).toBe('no data');
    const other = atSwitch.windows['1h'].otherTiers ?? [];
    expect(other.map((o) => o.tier)).toEqual(['enterprise']);
    expect(other[0]?.sla.n).toBe(10 * 60 * RATE);
    expect(other[0]?.sla.targetMs).toBe(TIERS.enterprise.targetMs);
    const proTick = run(pro, windows, clock, clock + 5 * MIN, 7);
    expect(proTick.windows['1h'].sla.n).toBe(5 * 60 * RATE);
    expectAgreesWithReport(proTick, '1h');
    // Back to enterprise: its hour holds both stretches (15 minutes of clock, 10 of its own).
    const back = windows.use('enterprise', clock);
    expect(back).toBe(enterprise);
    const tick = run(enterprise, windows, clock, clock + 2 * MIN, 3);
    expect(tick.windows['1h'].sla.n).toBe(12 * 60 * RATE);
    expect(tick.windows['24h'].sla.n).toBe(12 * 60 * RATE);
    expect(tick.windows.session.sla.n).toBe(12 * 60 * RATE);
    for (const name of ['1m', '15m', '1h', '24h'] as const) expectAgreesWithReport(tick, name);
    expect((tick.windows['1h'].otherTiers ?? []).map((o) => [o.tier, o.sla.n])).toEqual([
      ['pro', 5 * 60 * RATE],
    ]);
    expect((tick.windows.session.otherTiers ?? []).map((o) => [o.tier, o.sla.n])).toEqual([
      ['pro', 5 * 60 * RATE],
    ]);
    // 1 min: only enterprise's last minute (59 s of samples: the window ends at the newest closed
    // second, which is empty); no other tier in it.
    expect(tick.windows['1m'].sla.n).toBe(59 * RATE);
    expect(tick.windows['1m'].otherTiers).toEqual([]);
  });

  it('leaves an SLA test’s samples out and spans the time the test took', () => {
    const windows = newWindows();
    const enterprise = windows.use('enterprise', T0);
    run(enterprise, windows, T0, T0 + 3 * MIN);
    // An SLA test: its samples go to history as 'sla-test' and never to the windows.
    history.addSamples('free', samples(clock, clock + 30_000, 1), 'sla-test');
    const tick = run(enterprise, windows, clock + 30_000, clock + 90_000, 5);
    expect(tick.windows['1h'].sla.n).toBe(4 * 60 * RATE);
    expect(tick.windows['1h'].otherTiers).toEqual([]);
    expectAgreesWithReport(tick, '1h');
  });

  it('after a panel restart, seeds the hour and the day from history; the session starts empty', () => {
    let windows = newWindows();
    const enterprise = windows.use('enterprise', T0);
    // 66 minutes of enterprise: the day window then needs minute roll-ups beyond the raw hour.
    const before = run(enterprise, windows, T0, T0 + 66 * MIN);
    history.close();
    history = openHistory();
    windows = newWindows();
    // Restarted at the instant of the last tick: the same spans, the same figures.
    const restarted = windows.use('enterprise', clock);
    const tick = tickNow(restarted, windows, clock);
    expect(tick.windows['1h'].sla.n).toBe(before.windows['1h'].sla.n);
    expect(tick.windows['24h'].sla.n).toBe(66 * 60 * RATE);
    expect(tick.windows['24h'].sla.errorBudget.used).toBe(before.windows['24h'].sla.errorBudget.used);
    expect(tick.windows['24h'].latency.p99).toBeCloseTo(before.windows['24h'].latency.p99 ?? NaN, 6);
    expect(tick.windows.session.sla.n).toBe(0);
    for (const name of ['1h', '24h'] as const) expectAgreesWithReport(tick, name);
  });

  it('spans end one second after the newest closed second; 24 h starts on a minute', () => {
    const windows = newWindows();
    const agg = windows.use('turbo', T0);
    const tick = run(agg, windows, T0, T0 + 2 * MIN + 30_000);
    const newest = tick.secondAt ?? 0;
    expect(tick.windows['1h'].span).toEqual({ from: newest + 1000 - 3_600_000, to: newest + 1000 });
    expect((tick.windows['24h'].span?.from ?? 1) % MIN).toBe(0);
    expect(tick.windows.session.span).toEqual({ from: T0, to: newest + 1000 });
  });
});
