import { describe, expect, it } from 'vitest';
import {
  linuxCaps,
  NO_LOWER_NICE,
  NO_REALTIME,
  NO_TASKSET,
} from '../../../shared/launch/test-support/capabilities';
import { TIERS } from '../../../shared/tiers';
import { tuningCandidates } from './candidates';
import { planLaunch } from '../../../shared/launch';
import { fitToBudget } from './run-tuning';

const ids = (set: ReturnType<typeof tuningCandidates>) => set.candidates.map((c) => c.id);

describe('tuning candidates for this machine', () => {
  it('as root on 2 CPUs, enterprise tries real-time off, two priorities and the relay apart', () => {
    const set = tuningCandidates('enterprise', linuxCaps(2), 'builtin');
    expect(ids(set)).toEqual([
      'default',
      'realtime-off',
      'affinity-apart',
      'priority-normal',
      'priority-high',
      'semispace-16',
      'semispace-64',
    ]);
    // Every candidate is an override set the live plan runs as measured: each can be applied.
    expect(set.candidates.every((c) => c.applicable)).toBe(true);
    // Pinned together at SCHED_FIFO, the busy-polling relay starves the probe: skipped, and said why.
    expect(set.skipped.find((s) => s.label.startsWith('relay and probe pinned'))?.reason).toMatch(
      /real-time probe pinned to the same core cannot run/,
    );
    expect(ids(tuningCandidates('turbo', linuxCaps(2), 'builtin'))).toContain('affinity-shared');
    const apart = set.candidates.find((c) => c.id === 'affinity-apart')!;
    expect(apart).toMatchObject({
      overrides: { cpus: '1', probeCpus: '0' },
      probe: 'apart',
      probeCpus: '0',
      applicable: true,
    });
    // It says what is pinned, and that the panel is not.
    expect(apart.label).toBe('relay on CPU 1, probe apart on CPU 0 (the panel is not pinned)');
    expect(set.candidates.find((c) => c.id === 'semispace-64')).toMatchObject({
      label: 'V8 semi-space 64 MiB',
      overrides: { semiSpaceMiB: 64 },
      applicable: true,
    });
    // V8's collector target cannot be tried: said so, with the reason.
    expect(set.skipped.map((s) => s.label)).toEqual([
      'GC target (GC_PERCENT)',
      'relay and probe pinned together on CPU 1',
    ]);
  });

  it('refused (not root): real-time and lower niceness are skipped with the reason, not tried', () => {
    const refused = linuxCaps(2, {
      ...NO_LOWER_NICE,
      ...NO_REALTIME,
      reasons: { ...NO_LOWER_NICE.reasons, ...NO_REALTIME.reasons },
    });
    const set = tuningCandidates('pro', refused, 'builtin');
    // pro asks for above-normal (nice -5), which a non-root user cannot get: the default itself is
    // refused that, so candidates are only judged on what they add.
    expect(ids(set)).toEqual([
      'default',
      'affinity-apart',
      'affinity-shared',
      'semispace-16',
      'semispace-64',
    ]);
    const reasons = Object.fromEntries(set.skipped.map((s) => [s.label, s.reason]));
    expect(reasons['real-time on']).toBe('needs CAP_SYS_NICE or root (RLIMIT_RTPRIO is 0)');
    expect(reasons['priority high (nice -10)']).toBe('needs CAP_SYS_NICE or root (RLIMIT_NICE is 0)');
    // normal runs exactly as the refused default does here (nice 0): the same plan is not run twice.
    expect(reasons['priority normal (nice 0)']).toBe('runs exactly as “tier default” on this machine');
  });

  it('one CPU: no affinity choice; no taskset: affinity skipped with the hint', () => {
    expect(ids(tuningCandidates('enterprise', linuxCaps(1), 'builtin'))).not.toContain('affinity-apart');
    const set = tuningCandidates('turbo', linuxCaps(2, NO_TASKSET), 'builtin');
    expect(ids(set)).not.toContain('affinity-shared');
    expect(set.skipped.find((s) => s.label.startsWith('relay and probe'))?.reason).toBe(
      'taskset not found (install util-linux)',
    );
  });

  it('a Go relay gets GOGC with GOMEMLIMIT and GOMAXPROCS candidates', () => {
    const set = tuningCandidates('enterprise', linuxCaps(2), 'external');
    // Enterprise runs GOGC off bounded by its budget: the candidate keeps GC off under a quarter of it.
    const smaller = TIERS.enterprise.knobs.memoryBudgetMiB / 4;
    expect(ids(set)).toEqual(
      expect.arrayContaining(['gogc-100', 'gogc-25', `gomemlimit-${smaller}`, 'gomaxprocs-1']),
    );
    expect(set.candidates.find((c) => c.id === 'gogc-25')!.overrides).toEqual({ gcPercent: 25 });
    expect(set.candidates.find((c) => c.id === `gomemlimit-${smaller}`)!.overrides).toEqual({
      memoryLimitMiB: smaller,
    });
    expect(set.skipped.map((s) => s.label)).not.toContain('GOMEMLIMIT');
    // V8's semi-space is our Node relay's: never proposed for a Go binary.
    expect(ids(set).some((id) => id.startsWith('semispace'))).toBe(false);
    // A tier that collects by percentage gets GC off under its memory bound as the candidate.
    const turbo = tuningCandidates('turbo', linuxCaps(2), 'external');
    expect(turbo.candidates.find((c) => c.id === 'gogc-off')!.overrides).toEqual({
      gcPercent: 'off',
      memoryLimitMiB: 256,
    });
  });

  it('a probe apart runs, through the plan, on its own CPUs with the relay’s chrt and nice', () => {
    const caps = linuxCaps(2);
    const apart = tuningCandidates('enterprise', caps, 'builtin').candidates.find(
      (c) => c.id === 'affinity-apart',
    )!;
    const target = { kind: 'builtin', execPath: '/x/node', script: '/x/relay.mjs' } as const;
    const plan = planLaunch({
      tier: 'enterprise',
      overrides: apart.overrides,
      platform: 'linux',
      capabilities: caps,
      target,
      env: {},
    });
    const wrappers = ['/usr/bin/chrt', '-f', '10', '/usr/bin/nice', '-n', '-15'];
    expect([plan.command, ...plan.args]).toEqual([
      '/usr/bin/taskset',
      '-c',
      '1',
      ...wrappers,
      '/x/node',
      '/x/relay.mjs',
    ]);
    expect(plan.probePrefix).toEqual(['/usr/bin/taskset', '-c', '0', ...wrappers]);
  });
});

describe('a short budget', () => {
  it('drops the least relevant candidates, saying what budget would include them', () => {
    const set = tuningCandidates('enterprise', linuxCaps(2), 'builtin');
    const input = { rateHz: 200, switchSeconds: 3 };
    const all = fitToBudget(set.candidates, set.skipped, { ...input, budgetSeconds: 600 });
    expect(all.candidates).toHaveLength(7);
    const short = fitToBudget(set.candidates, set.skipped, { ...input, budgetSeconds: 100 });
    // 8 s fixed + 6 rounds × k × (3 s + 1.25 × (100 warm-up + 200) probes ÷ 200 Hz): 3 candidates
    // need 96 s, 4 need 125 s.
    expect(short.candidates.map((c) => c.id)).toEqual(['default', 'realtime-off', 'affinity-apart']);
    expect(short.skipped.slice(-4)).toEqual([
      { label: 'priority normal (nice 0)', reason: 'not enough time: a budget of 125 s would include it' },
      { label: 'priority high (nice -10)', reason: 'not enough time: a budget of 155 s would include it' },
      { label: 'V8 semi-space 16 MiB', reason: 'not enough time: a budget of 184 s would include it' },
      { label: 'V8 semi-space 64 MiB', reason: 'not enough time: a budget of 213 s would include it' },
    ]);
    expect(fitToBudget(set.candidates, [], { ...input, budgetSeconds: 90 }).candidates).toHaveLength(2);
    // Never below the default and one other; then the design says what budget it needs.
    expect(fitToBudget(set.candidates, [], { ...input, budgetSeconds: 30 }).candidates).toHaveLength(2);
  });
});
