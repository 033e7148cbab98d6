import { describe, expect, it } from 'vitest';
import type { RelayStatus } from '../../shared/relay-status';
import { status as fixtureStatus } from '../test-support/fixtures';
import { needsRestartToApply, runningTier } from './restart-note';

const running = (over: Partial<RelayStatus>): RelayStatus =>
  fixtureStatus({ state: 'running', pid: 42, ...over });
const launchOf = (tier: RelayStatus['tier']): NonNullable<RelayStatus['launch']> => ({
  tier,
  platform: 'linux',
  argv: [],
  items: [],
  readBackAt: null,
});

describe('the "restart to apply" note', () => {
  const savedAt = 1_000_000;
  const launch = launchOf;

  it('shows while the relay that runs the edited tier started before the save', () => {
    expect(
      needsRestartToApply(
        { tier: 'pro', at: savedAt },
        running({ tier: 'pro', launch: launch('pro'), startedAt: savedAt - 5000 }),
      ),
    ).toBe(true);
  });

  it('is gone once a restart applied the plan (a process started after the save)', () => {
    expect(
      needsRestartToApply(
        { tier: 'pro', at: savedAt },
        running({ tier: 'pro', launch: launch('pro'), startedAt: savedAt + 800 }),
      ),
    ).toBe(false);
  });

  it('is not shown for another tier, a stopped relay or nothing saved', () => {
    const pro = running({ tier: 'pro', launch: launch('pro'), startedAt: savedAt - 5000 });
    expect(needsRestartToApply({ tier: 'turbo', at: savedAt }, pro)).toBe(false);
    expect(needsRestartToApply({ tier: 'pro', at: savedAt }, { ...pro, state: 'stopped', pid: null })).toBe(
      false,
    );
    expect(needsRestartToApply(null, pro)).toBe(false);
  });
});

describe('runningTier', () => {
  it("is the running plan's tier, else the selected tier, else free before any status", () => {
    expect(runningTier(running({ tier: 'turbo', launch: launchOf('pro') }))).toBe('pro');
    expect(runningTier(fixtureStatus({ state: 'stopped', tier: 'business', launch: launchOf('pro') }))).toBe(
      'business',
    );
    expect(runningTier(null)).toBe('free');
  });
});
