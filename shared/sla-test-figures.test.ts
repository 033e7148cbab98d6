import { describe, expect, it } from 'vitest';
import type { SlaTestResult, SlaTestTierResult } from './sla-test';
import { slaTestNotes } from './sla-test-figures';

const tier = (extra: Partial<SlaTestTierResult>): SlaTestTierResult => ({
  tier: 'enterprise',
  startedAt: 0,
  finishedAt: 1,
  n: 3000,
  failed: 0,
  latency: null,
  sla: { n: 3000, misses: 0, targetMs: 5, objective: 0.999 } as unknown as SlaTestTierResult['sla'],
  launch: null,
  ...extra,
});
const result = (tiers: SlaTestTierResult[]) => ({ tiers }) as unknown as SlaTestResult;

describe('SLA test notes', () => {
  it('names the warm-up left out of each tier’s figures, and a late probe', () => {
    expect(
      slaTestNotes(
        result([
          tier({ warmup: { n: 100, overTarget: 3, ms: 500 } }),
          tier({ tier: 'free', probeLateness: { n: 3000, p50: 0.1, p99: 2.5, max: 9 } }),
        ]),
      ),
    ).toEqual([
      'enterprise: the first 0.5 s after its relay started (100 probes, 3 over target) were warm-up, not counted',
      'probe late by 2.5 ms p99 during the free run: the machine was busy (latency still counts from the intended send time)',
    ]);
  });

  it('says nothing for results recorded before warm-up was kept apart', () => {
    expect(slaTestNotes(result([tier({})]))).toEqual([]);
  });
});
