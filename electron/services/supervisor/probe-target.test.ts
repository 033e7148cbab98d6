import { describe, expect, it } from 'vitest';
import { planLaunch, type TierOverrides } from '../../../shared/launch';
import { linuxCaps } from '../../../shared/launch/test-support/capabilities';
import { probeTarget } from './probe-target';

/** Every probe (live, SLA test, tuning) takes its wrappers from here: the plan's, never its own. */
const endpoint = { apiUrl: 'http://127.0.0.1:1', healthUrl: 'http://127.0.0.1:2', key: 'k' };
const plan = (overrides: TierOverrides) =>
  planLaunch({
    tier: 'enterprise',
    overrides,
    platform: 'linux',
    capabilities: linuxCaps(2),
    target: { kind: 'builtin', execPath: '/x/node', script: '/x/relay.mjs' },
    env: {},
  });

describe('probeTarget', () => {
  it('gives the probe the relay’s wrappers when it is not placed apart', () => {
    const p = plan({ cpus: '1', semiSpaceMiB: 32 });
    const target = probeTarget(p, endpoint, 42, null);
    expect(target.argvPrefix).toEqual([
      '/usr/bin/taskset', '-c', '1',
      '/usr/bin/chrt', '-f', '10',
      '/usr/bin/nice', '-n', '-15',
    ]); // prettier-ignore
    // The relay's V8 flags are the relay's: they follow its exec target, never the probe's wrappers.
    expect(target.argvPrefix.join(' ')).not.toMatch(/semi-space/);
  });

  it('places the probe on its own CPUs with the relay’s chrt and nice when probeCpus is set', () => {
    const target = probeTarget(plan({ cpus: '1', probeCpus: '0' }), endpoint, 42, null);
    expect(target.argvPrefix).toEqual([
      '/usr/bin/taskset', '-c', '0',
      '/usr/bin/chrt', '-f', '10',
      '/usr/bin/nice', '-n', '-15',
    ]); // prettier-ignore
    expect(target).toMatchObject({ tier: 'enterprise', relayPid: 42, key: 'k' });
  });
});
