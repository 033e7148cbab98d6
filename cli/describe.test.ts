import { describe, expect, it } from 'vitest';
import { summarizeSla } from '../shared/verdict';
import type { SlaTestResult, SlaTestTierResult } from '../shared/sla-test';
import { slaTestText } from './describe';

function tier(name: 'free' | 'enterprise', mean: number, misses: number): SlaTestTierResult {
  return {
    tier: name,
    n: 3000,
    failed: 0,
    latency: { n: 3000, misses, p50: mean, p90: mean, p99: mean, p999: mean, max: mean, mean },
    sla: summarizeSla({ n: 3000, misses }, { targetMs: name === 'free' ? 1000 : 5, objective: 0.999 }),
  } as unknown as SlaTestTierResult;
}

function result(first: number, last: number, misses = 0): SlaTestResult {
  return {
    tiers: [tier('free', first, 0), tier('enterprise', last, misses)],
    improvement: {
      from: 'free',
      to: 'enterprise',
      mean: first / last,
      p999: first / last,
      max: first / last,
    },
  } as unknown as SlaTestResult;
}

describe('slaTestText', () => {
  it('reads a slower later tier as higher, never "0.9× faster"', () => {
    const text = slaTestText(result(0.9, 1));
    expect(text).not.toMatch(/faster/);
    expect(text).toContain('enterprise against free: average latency 1.1× higher');
    expect(slaTestText(result(2, 1))).toContain('average latency 2.0× lower');
  });

  it('prints the shared verdict words', () => {
    const text = slaTestText(result(1, 1, 6));
    expect(text).toContain('Below objective');
    expect(text).toContain('Meets SLA');
  });
});
