import { describe, expect, it } from 'vitest';
import { TIERS } from '../../../shared/tiers';
import { RelayMetrics } from '../../../relay/health/metrics';
import { MAX_SAMPLES, MetricsFormatError, parsePromText } from './prom-text';
import { readingFromMetrics } from './relay-reading';

describe('parsePromText', () => {
  it("reads the relay's own /metrics text (prom-client's writer, not ours)", async () => {
    const m = new RelayMetrics(
      { tier: TIERS.pro, gcPercent: 50, network: 'regtest' },
      {
        streamClients: () => ({ ws: 1, sse: 2 }),
        readyPeers: () => 1,
        tipHeight: () => 42,
        cpuCores: () => 2,
        sync: () => ({ progress: 1, height: 42, targetHeight: 42 }),
      },
    );
    m.observeRelay(0.4);
    m.observeRelay(250);
    m.observeRelay(2000);
    const reading = readingFromMetrics(parsePromText(await m.registry.metrics()), 1, 'live');
    expect(reading).toMatchObject({
      tier: 'pro',
      network: 'regtest',
      tip: 42,
      targetMs: 300,
      objective: 0.995,
    });
    expect(reading.buckets.at(-1)).toEqual({ le: Infinity, count: 3 });
    expect(reading.buckets.find((x) => x.le === 0.3)?.count).toBe(2);
  });

  it('handles escapes, timestamps and special values', () => {
    const samples = parsePromText(
      [
        '# HELP x a "help"',
        'x{a="q\\"uote",b="back\\\\slash",c="new\\nline"} 1 1700000000000',
        'y +Inf',
        'z{le="+Inf"} NaN',
        '',
      ].join('\n'),
    );
    expect(samples[0]).toEqual({
      name: 'x',
      labels: { a: 'q"uote', b: 'back\\slash', c: 'new\nline' },
      value: 1,
    });
    expect(samples[1]?.value).toBe(Infinity);
    expect(Number.isNaN(samples[2]?.value)).toBe(true);
  });

  it('refuses malformed lines with the line number, and more than MAX_SAMPLES samples', () => {
    expect(() => parsePromText('ok 1\nbad{a="x} 1')).toThrow(/line 2: unterminated/);
    expect(() => parsePromText('x one')).toThrow(MetricsFormatError);
    expect(() => parsePromText('x{9="a"} 1')).toThrow(/malformed label/);
    const flood = Array.from({ length: MAX_SAMPLES + 1 }, (_, i) => `s${i} 1`).join('\n');
    expect(() => parsePromText(flood)).toThrow(`more than ${MAX_SAMPLES} samples`);
  });

  it('reads a seed-era relay (optimization_level only) for its tier', () => {
    const reading = readingFromMetrics(
      parsePromText('bitcoin_sprint_optimization_level{level="maximum",tier="turbo"} 3\n'),
      1,
      'unknown',
    );
    expect(reading).toMatchObject({ tier: 'turbo', targetMs: 5, objective: 0.999, tip: null, buckets: [] });
  });
});
