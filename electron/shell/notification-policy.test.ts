import { describe, expect, it } from 'vitest';
import type { SlaSummary } from '../../shared/metrics';
import { crashLoopNotice, EpisodeGate, percent, slaBreachNotice, slaTransition } from './notification-policy';

describe('EpisodeGate', () => {
  const clock = () => {
    let now = 0;
    return { now: () => now, advance: (ms: number) => (now += ms) };
  };

  it('says yes once when a condition starts and no while it lasts', () => {
    const time = clock();
    const gate = new EpisodeGate(60_000, time.now);
    expect(gate.enter('sla:turbo')).toBe(true);
    for (let second = 0; second < 120; second++) {
      time.advance(1000);
      expect(gate.enter('sla:turbo')).toBe(false);
    }
  });

  it('notifies again for a new episode after the quiet period', () => {
    const time = clock();
    const gate = new EpisodeGate(60_000, time.now);
    expect(gate.enter('crash-loop')).toBe(true);
    gate.clear('crash-loop');
    time.advance(61_000);
    expect(gate.enter('crash-loop')).toBe(true);
  });

  it('does not notify a condition flapping within the quiet period', () => {
    const time = clock();
    const gate = new EpisodeGate(60_000, time.now);
    expect(gate.enter('sla:pro')).toBe(true);
    gate.clear('sla:pro');
    time.advance(5_000);
    expect(gate.enter('sla:pro')).toBe(false);
    gate.clear('sla:pro');
    time.advance(56_000); // 61 s after the notice that was shown
    expect(gate.enter('sla:pro')).toBe(true);
  });

  it('keeps keys apart and clears the others of a prefix', () => {
    const gate = new EpisodeGate(60_000, () => 0);
    expect(gate.enter('sla:pro')).toBe(true);
    expect(gate.enter('crash-loop')).toBe(true);
    gate.clearOthers('sla:', 'sla:turbo');
    expect(gate.isActive('sla:pro')).toBe(false);
    expect(gate.isActive('crash-loop')).toBe(true);
  });
});

describe('notice texts', () => {
  it('states the breach against the tier target and objective', () => {
    expect(slaBreachNotice('turbo', 0.9985, 0.999)).toEqual({
      title: 'SLA breach on the turbo tier',
      body: '99.85% of probes answered within 5 ms; the objective is 99.9%.',
    });
  });

  it('never rounds a miss up to the objective', () => {
    expect(percent(0.998996)).toBe('99.899%');
    expect(percent(0.99)).toBe('99%');
    expect(percent(0.995)).toBe('99.5%');
    expect(percent(1)).toBe('100%');
  });

  it('uses the supervisor message for a crash loop, with a fallback', () => {
    expect(crashLoopNotice('relay crashed 5 times in 120 s').body).toBe('relay crashed 5 times in 120 s');
    expect(crashLoopNotice(null).body).toMatch(/supervisor gave up/);
  });
});

describe('slaTransition', () => {
  const sla = (verdict: SlaSummary['verdict'], used = 1): SlaSummary => ({
    targetMs: 5,
    objective: 0.999,
    compliance: 0.99,
    n: 100,
    missUpperBound95: 0.05,
    verdict,
    requiredN: 2995,
    errorBudget: { allowed: 0, used, remaining: -used },
  });

  it('raises on a proven miss, clears on a proven pass, and waits while samples are too few', () => {
    // 5 of 100 at 99.9%: 95% sure of more than 0.1% misses.
    expect(slaTransition(sla('below objective', 5))).toBe('breach');
    // 1 of 100: below the objective, but one early miss does not raise a breach.
    expect(slaTransition(sla('below objective', 1))).toBe('unchanged');
    expect(slaTransition(sla('pass'))).toBe('recovered');
    expect(slaTransition(sla('insufficient samples'))).toBe('unchanged');
  });
});
