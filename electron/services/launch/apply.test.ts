import { describe, expect, it } from 'vitest';
import { applyPostSpawn, type ApplyDeps } from './apply';
import { planLaunch } from '../../../shared/launch/plan';
import { linuxCaps, windowsCaps } from '../../../shared/launch/test-support/capabilities';

const target = { kind: 'external', path: 'C:\\sprint.exe' } as const;

function recorder(fail: { priority?: Error; affinity?: string } = {}) {
  const calls: unknown[][] = [];
  const deps: ApplyDeps = {
    setPriority: (pid, value) => {
      calls.push(['setPriority', pid, value]);
      if (fail.priority) throw fail.priority;
    },
    run: async (command, args) => {
      calls.push([command, ...args]);
      return fail.affinity === undefined
        ? { code: 0, stdout: '', stderr: '' }
        : { code: 1, stdout: '', stderr: `${fail.affinity}\r\nAt line:1` };
    },
  };
  return { calls, deps };
}

describe('applyPostSpawn', () => {
  const winPlan = planLaunch({
    tier: 'enterprise',
    overrides: {},
    platform: 'win32',
    capabilities: windowsCaps(8),
    target,
    env: {},
  });

  it('Windows: sets the class, then ProcessorAffinity through PowerShell', async () => {
    const { calls, deps } = recorder();
    const results = await applyPostSpawn(321, winPlan, deps);
    expect(calls).toEqual([
      ['setPriority', 321, -20],
      [
        'C:\\ps.exe',
        '-NoProfile',
        '-NonInteractive',
        '-Command',
        '(Get-Process -Id 321).ProcessorAffinity = 240',
      ],
    ]);
    expect(results).toEqual([
      { name: 'priority', requested: 'priority class REALTIME', ok: true },
      { name: 'affinity', requested: 'cpus 4-7', ok: true },
    ]);
  });

  it('a failed step is a result with a reason, and later steps still run', async () => {
    const { calls, deps } = recorder({ priority: new Error('EPERM'), affinity: 'Access is denied' });
    const results = await applyPostSpawn(321, winPlan, deps);
    expect(calls).toHaveLength(2);
    expect(results.map((r) => [r.ok, r.reason])).toEqual([
      [false, 'setPriority failed: EPERM'],
      [false, 'ProcessorAffinity failed: Access is denied'],
    ]);
  });

  it('Linux: nothing to do after spawn (the wrappers applied it at exec)', async () => {
    const { calls, deps } = recorder();
    const linux = planLaunch({
      tier: 'enterprise',
      overrides: {},
      platform: 'linux',
      capabilities: linuxCaps(8),
      target,
      env: {},
    });
    expect(await applyPostSpawn(321, linux, deps)).toEqual([]);
    expect(calls).toEqual([]);
  });
});
