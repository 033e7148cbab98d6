import { describe, expect, it } from 'vitest';
import { MetricsTick } from '../../../shared/metrics';
import type { RawSample } from '../history/types';
import { Aggregator } from './aggregator';
import { decodeHistogram, encodeHistogram, newHistogram, percentilesMs, toMicros } from '../measure-core/hdr';

/** Deterministic pseudo-random latencies: mostly ~1 ms with a long tail, like a real relay. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function samplesFor(fromSec: number, toSec: number, rateHz: number, rnd: () => number): RawSample[] {
  const out: RawSample[] = [];
  for (let t = fromSec * 1000; t < toSec * 1000; t += 1000 / rateHz) {
    const r = rnd();
    const latency = r < 0.98 ? 0.3 + r * 2 : 5 + r * 200;
    out.push([t, Math.round(latency * 1000) / 1000, r > 0.001]);
  }
  return out;
}

/** The reference: one histogram fed every sample directly. */
function reference(samples: readonly RawSample[], timeoutMs: number) {
  const h = newHistogram();
  let max = 0;
  for (const [, latency, ok] of samples) {
    const us = toMicros(ok ? latency : Math.max(latency, timeoutMs));
    h.recordValue(us);
    max = Math.max(max, us);
  }
  return { p: percentilesMs(h, samples.length, max), max: max / 1000 };
}

const opts = { tier: 'turbo', targetMs: 5, objective: 0.999, timeoutMs: 1000, closeLagMs: 0 } as const;

describe('HDR histogram merging', () => {
  it('merging two per-second histograms gives the same percentiles as one fed all samples', () => {
    const rnd = lcg(7);
    const a = samplesFor(0, 1, 100, rnd);
    const b = samplesFor(1, 2, 100, rnd);
    const ha = newHistogram();
    const hb = newHistogram();
    for (const [, l] of a) ha.recordValue(toMicros(l));
    for (const [, l] of b) hb.recordValue(toMicros(l));
    // Through the stored encoding, as history re-merges them.
    const merged = newHistogram();
    merged.add(decodeHistogram(encodeHistogram(ha)));
    merged.add(decodeHistogram(encodeHistogram(hb)));
    const all = newHistogram();
    for (const [, l] of [...a, ...b]) all.recordValue(toMicros(l));
    expect(percentilesMs(merged, 200)).toEqual(percentilesMs(all, 200));
    expect(merged.getValueAtPercentile(99)).toBe(all.getValueAtPercentile(99));
  });
});

describe('Aggregator windows', () => {
  it('each window equals one histogram of exactly its samples (merge, not average)', () => {
    const agg = new Aggregator(opts);
    const rnd = lcg(42);
    const samples = samplesFor(1000, 1000 + 130, 10, rnd);
    agg.record(samples);
    // closeLagMs 0: at 1,130,000 every second up to 1129 is closed.
    const { tick, closed } = agg.tick(1000 * 1000 + 130_000);
    expect(MetricsTick.omit({ resources: true }).parse(tick)).toBeTruthy();
    expect(closed).toHaveLength(130);

    const newest = (1000 + 129) * 1000;
    const last60 = samples.filter(([t]) => Math.floor(t / 1000) * 1000 > newest - 60_000);
    expect(last60).toHaveLength(600);
    const ref1m = reference(last60, 1000);
    const w1m = tick.windows['1m'].latency;
    expect(w1m.n).toBe(last60.length);
    expect({ p50: w1m.p50, p90: w1m.p90, p99: w1m.p99, p999: w1m.p999 }).toEqual(ref1m.p);
    expect(w1m.max).toBe(ref1m.max);

    const refAll = reference(samples, 1000);
    for (const name of ['15m', '1h', '24h', 'session'] as const) {
      const w = tick.windows[name].latency;
      expect(w.n).toBe(samples.length);
      expect({ p50: w.p50, p90: w.p90, p99: w.p99, p999: w.p999 }).toEqual(refAll.p);
      expect(w.max).toBe(refAll.max);
    }
    // The average of per-second p99s is not what the window reports.
    const meanOfP99 = closed.reduce((s, c) => s + c.p99, 0) / closed.length;
    expect(tick.windows['15m'].latency.p99).not.toBeCloseTo(meanOfP99, 1);
  });

  it('counts errors and over-target samples as misses and records failures at the timeout', () => {
    const agg = new Aggregator(opts);
    agg.record([
      [0, 1, true],
      [100, 5, true],
      [200, 5.5, true],
      [300, 0.4, false],
    ]);
    const { tick, closed } = agg.tick(5000);
    expect(closed[0]).toMatchObject({ t: 0, n: 4, misses: 2, max: 1000 });
    expect(tick.windows.session.sla).toMatchObject({ n: 4, compliance: 0.5, verdict: 'below objective' });
    expect(tick.windows.session.latency.max).toBe(1000);
  });

  it('keeps a second open until timeout + batching has passed, then closes it', () => {
    const agg = new Aggregator({ ...opts, closeLagMs: undefined });
    agg.record([[10_000, 1, true]]);
    // Second 10 ends at 11,000; the default lag is 1000 + 750 ms.
    expect(agg.tick(12_700).closed).toHaveLength(0);
    const { closed, tick } = agg.tick(12_750);
    expect(closed.map((c) => c.t)).toEqual([10_000]);
    expect(tick.secondAt).toBe(10_000);
    expect(tick.second.n).toBe(1);
  });

  it('puts a sample that arrives after its second closed into the oldest open second, never drops it', () => {
    const agg = new Aggregator(opts);
    agg.record([[1000, 1, true]]);
    agg.tick(3000); // closes seconds ≤ 2
    agg.record([[1500, 2, true]]);
    expect(agg.lateSamples).toBe(1);
    const { closed, tick } = agg.tick(4000);
    expect(closed.map((c) => [c.t, c.n])).toEqual([[3000, 1]]);
    expect(tick.windows.session.latency.n).toBe(2);
  });

  it('slides: the 1m window empties after a minute without samples, longer windows keep them', () => {
    const agg = new Aggregator(opts);
    agg.record(samplesFor(0, 10, 10, lcg(1)));
    agg.tick(12_000);
    const { tick } = agg.tick(75_000);
    expect(tick.windows['1m'].latency.n).toBe(0);
    expect(tick.windows['1m'].latency.p99).toBeNull();
    expect(tick.windows['15m'].latency.n).toBe(100);
    expect(tick.second.n).toBe(0);
  });

  it('the 24h window drops whole minutes older than a day', () => {
    const agg = new Aggregator(opts);
    agg.record(samplesFor(0, 120, 1, lcg(3))); // minutes 0 and 1
    agg.tick(121_000);
    agg.record([[86_430_000, 1, true]]);
    const { tick } = agg.tick(86_432_000);
    // Minute 0 started ≥ 24 h before the newest second; minute 1 (60 samples) has not.
    expect(tick.windows['24h'].latency.n).toBe(61);
    expect(tick.windows.session.latency.n).toBe(121);
    expect(tick.windows['1h'].latency.n).toBe(1);
  });

  it('keeps the probe’s own lateness apart: its percentiles per window, early sends as 0', () => {
    const agg = new Aggregator(opts);
    // 100 samples in second 0: half sent 0.5 ms early (counted as 0), half 0.2 ms late, one 4.1 ms late.
    const samples: RawSample[] = [];
    for (let i = 0; i < 99; i++) samples.push([i * 10, 1, true, i % 2 === 0 ? -0.5 : 0.2]);
    samples.push([990, 5.2, true, 4.1]);
    // A filled-in downtime slot carries no lateness: it was never the probe's to send.
    samples.push([995, 0, false]);
    agg.record(samples);
    const { tick } = agg.tick(5000);
    const late = tick.probeLateness?.['1m'];
    expect(late).toEqual({ n: 100, p50: 0, p99: 0.2, max: 4.1 });
    expect(tick.windows['1m'].latency.n).toBe(101);
    expect(tick.probeLateness?.session.n).toBe(100);
  });

  it('keeps the probe’s own time apart too, over the samples that carry it', () => {
    const agg = new Aggregator(opts);
    const samples: RawSample[] = [];
    for (let i = 0; i < 99; i++) samples.push([i * 10, 1, true, 0, 0.06]);
    samples.push([990, 1, true, 0, 0.4]);
    samples.push([995, 1, true, 0]); // an older probe: no own time
    agg.record(samples);
    const { tick } = agg.tick(5000);
    expect(tick.probeOwnTime?.['1m']).toEqual({ n: 100, p50: 0.06, p99: 0.06, max: 0.4 });
    expect(tick.windows['1m'].latency.n).toBe(101);
  });
});
