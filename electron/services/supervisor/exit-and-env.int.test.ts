import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RELAY_ENV } from '../../../shared/relay-contract';
import type { SupervisorEvent } from './managed-process';
import { externalBinary, trackedServices, waitForState } from './test-support/fake-relay-service';

const services = trackedServices();
/** Variables the plan does not own: they must never reach the relay. */
const strays = { GOGC: '9', LOG_LEVEL: 'verbose', SPRINT_STRAY_SECRET: 'leak' };
/**
 * A seed variable is not a stray: issue 17 makes it an explicit override, planned and shown with
 * source "environment" (see launch/plan-environment.test.ts), so it reaches the relay through the plan.
 */
const seedOverride = { GC_PERCENT: '7' };

afterEach(async () => {
  for (const name of [...Object.keys(strays), ...Object.keys(seedOverride)]) delete process.env[name];
  await services.stopAll();
});

describe('exits that a restart cannot fix', () => {
  it("exit 2 (configuration error) stops at once, with the relay's own error line as text", async () => {
    const { service, settings, dir } = services.make({ crashLoopCount: 5 });
    const binary = externalBinary(
      dir,
      'sprint-config-error',
      `echo '{"level":"info","timestamp":"2026-01-01T00:00:00Z","message":"booting"}' >&2
echo '{"level":"error","timestamp":"2026-01-01T00:00:00Z","message":"invalid configuration","variable":"LOG_LEVEL","error":"LOG_LEVEL: invalid value \\"verbose\\""}' >&2
exit 2`,
    );
    settings.update({ relay: { source: 'external', externalPath: binary } });
    const events: SupervisorEvent[] = [];
    service.on((event) => void (event.kind === 'supervisor' && events.push(event.event)));
    await service.start();
    const stopped = await waitForState(service, 'stopped');
    // Give a wrongly scheduled restart time to show itself.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(service.status().state).toBe('stopped');
    expect(events.filter((event) => event.kind === 'spawned')).toHaveLength(1);
    expect(events.some((event) => event.kind === 'backoff')).toBe(false);
    expect(stopped.restarts).toBe(0);
    expect(stopped.lastExit?.code).toBe(2);
    expect(stopped.message).toContain(
      'exited with code 2, an error a restart cannot fix, so it was not restarted: ' +
        'invalid configuration: LOG_LEVEL: invalid value "verbose"',
    );
    expect(stopped.message).not.toContain('{');
    expect(events).toContainEqual(expect.objectContaining({ kind: 'stopped-on-exit-code', code: 2 }));
    // Start again is allowed (the user fixed the cause, or wants to see it again).
    await service.start();
    await waitForState(service, 'stopped');
    expect(events.filter((event) => event.kind === 'spawned')).toHaveLength(2);
  });

  it('a silent crashing binary shows no output from an earlier process', async () => {
    const { service, settings } = services.make({ crashLoopCount: 2, crashLoopWindowMs: 60_000 });
    await service.start();
    await expect.poll(() => service.status().stderrTail.length, { timeout: 5000 }).toBeGreaterThan(0);
    await service.stop();
    settings.update({ relay: { source: 'external', externalPath: '/bin/false' } });
    await service.start();
    const looped = await waitForState(service, 'crash-loop');
    expect(looped.lastExit?.code).toBe(1);
    expect(looped.stderrTail).toEqual([]);
    expect(looped.message).toMatch(/crashed 3 times within 60 s \(last: exit code 1\)\. Restarting stopped/);
    expect(looped.message).not.toContain('listening');
  });
});

describe("the relay's environment", () => {
  it("holds only the plan's contract variables and what the OS needs, never the panel's strays", async () => {
    Object.assign(process.env, strays);
    const { service, settings } = services.make();
    settings.update({ tier: 'pro' });
    const { pid } = await service.start();
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
    const names = environ.map((entry) => entry.slice(0, entry.indexOf('=')));
    const allowed = new Set<string>([
      ...Object.values(RELAY_ENV),
      'DATA_DIR',
      'ELECTRON_RUN_AS_NODE',
      'PATH',
      'HOME',
      'TMPDIR',
    ]);
    expect(names.filter((name) => !allowed.has(name))).toEqual([]);
    expect(environ).not.toContain('LOG_LEVEL=verbose');
    expect(environ).not.toContain('GOGC=9');
    // The plan's own value, not the stray one.
    expect(environ).toContain('GC_PERCENT=50');
    expect(environ).toContain('TIER=pro');
    expect(service.status().state).toBe('running');
  });

  it('a seed variable in the panel environment arrives through the plan, marked as from the environment', async () => {
    Object.assign(process.env, strays, seedOverride);
    const { service, settings } = services.make();
    settings.update({ tier: 'pro' });
    const { pid } = await service.start();
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
    expect(environ).toContain('GC_PERCENT=7');
    expect(environ).not.toContain('LOG_LEVEL=verbose');
    const item = service.status().launch?.items.find((r) => r.name === 'GC_PERCENT');
    expect(item?.source).toBe('environment');
  });

  it('an external binary dumping its environment sees the same', async () => {
    Object.assign(process.env, strays);
    const { service, settings, dir } = services.make({ crashLoopCount: 5 });
    const dump = path.join(dir, 'env.txt');
    settings.update({
      relay: { source: 'external', externalPath: externalBinary(dir, 'dump-env', `env > '${dump}'\nexit 2`) },
    });
    await service.start();
    await waitForState(service, 'stopped');
    const lines = readFileSync(dump, 'utf8').trim().split('\n');
    const names = lines.map((line) => line.slice(0, line.indexOf('=')));
    for (const stray of Object.keys(strays)) expect(names).not.toContain(stray);
    expect(names).toEqual(expect.arrayContaining(['PATH', 'TIER', 'API_PORT', 'BITCOIN_NODE']));
  });
});
