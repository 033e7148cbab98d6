import { describe, expect, it } from 'vitest';
import { planLaunch } from '../../../shared/launch';
import { linuxCaps } from '../../../shared/launch/test-support/capabilities';
import { GoRuntimeReport, RelayHealth } from '../../../shared/relay-contract';
import { buildLaunchReport } from './report';
import { memoryLimitText, withRuntimeReadBack } from './runtime-readback';

const enterprise = planLaunch({
  tier: 'enterprise',
  overrides: {},
  platform: 'linux',
  capabilities: linuxCaps(8),
  target: { kind: 'external', path: '/x/sprint' },
  env: {},
});
const item = (report: ReturnType<typeof buildLaunchReport>, name: string) =>
  report.items.find((i) => i.name === name);

describe('the Go runtime read-back beside the requested GOMEMLIMIT', () => {
  it('writes bytes in the plan notation, and MaxInt64 (as JSON.parse gives it) as none', () => {
    expect(memoryLimitText(256 * 1024 * 1024)).toBe('256MiB');
    expect(memoryLimitText(1000)).toBe('1000B');
    expect(memoryLimitText(JSON.parse('9223372036854775807') as number)).toBe('none');
  });

  it('parses a Go /health runtime with MaxInt64 (the zod int range would refuse it)', () => {
    const runtime = GoRuntimeReport.parse(JSON.parse('{"name":"go","memory_limit":9223372036854775807}'));
    expect(runtime.memory_limit).toBeGreaterThan(2 ** 62);
  });

  it('is granted when the runtime reports the budget the plan asked for', () => {
    const knobs = withRuntimeReadBack(enterprise, undefined, {
      memory_limit: 64 * 1024 * 1024, // the enterprise tier's budget
      gogc: -1,
      gomaxprocs: 8,
    });
    const report = buildLaunchReport(enterprise, null, knobs);
    expect(item(report, 'GOMEMLIMIT')).toMatchObject({
      requested: '64MiB',
      applied: '64MiB',
      granted: true,
    });
    expect(item(report, 'GOGC')).toMatchObject({ requested: 'off', applied: 'off', granted: true });
  });

  it('is refused, with the reason, when the runtime ignored GOMEMLIMIT', () => {
    // What a relay whose runtime was never given the budget reports: GC off and no bound.
    const knobs = withRuntimeReadBack(
      enterprise,
      { GOGC: { requested: 'off', applied: 'off' } },
      { memory_limit: 2 ** 63, gogc: 'off' },
    );
    const report = buildLaunchReport(enterprise, null, knobs);
    expect(item(report, 'GOMEMLIMIT')).toMatchObject({ applied: 'none', granted: false });
    expect(item(report, 'GOMEMLIMIT')?.reason).toMatch(/requested 64MiB; the Go runtime reports none/);
  });

  it('leaves a relay that reports no Go runtime as it was (our Node relay)', () => {
    const knobs = { GC_PERCENT: { requested: 'off', applied: null, reason: 'V8 cannot' } };
    expect(withRuntimeReadBack(enterprise, knobs, {})).toBe(knobs);
    expect(
      RelayHealth.shape.runtime.safeParse({ cpuCores: 2, eventLoopDelayMs: {}, heapUsedMb: 9 }).success,
    ).toBe(true);
  });
});
