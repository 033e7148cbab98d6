import { mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/api';
import type { RelayStatus } from '../../../shared/relay-status';
import { SettingsStore } from '../settings/settings-store';
import { RelayService, relayResources } from './relay-service';
import { procCommandLine } from './pidfile';

const fakeRelay = path.resolve('test/support/fake-relay.mjs');
const services: RelayService[] = [];

function makeService(policy: Partial<ConstructorParameters<typeof RelayService>[0]['policy']> = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sprint-supervisor-'));
  const settings = new SettingsStore(path.join(dir, 'settings.json'));
  settings.update({
    upstream: { mode: 'node', bitcoinNode: '127.0.0.1:18444', network: 'regtest', demoIntervalSeconds: 10 },
  });
  const service = new RelayService({
    settings,
    resources: {
      ...relayResources(path.resolve('dist/relay')),
      relayScript: fakeRelay,
      demoPeerScript: fakeRelay,
    },
    panelKey: 'panel-key-for-tests',
    pidFilePath: path.join(dir, 'relay.pid'),
    dataDir: dir,
    policy: { backoffInitialMs: 20, backoffCapMs: 100, stopTimeoutMs: 1000, healthPollMs: 200, ...policy },
  });
  services.push(service);
  return { service, settings, dir };
}

function waitForState(
  service: RelayService,
  wanted: RelayStatus['state'],
  timeoutMs = 10_000,
): Promise<RelayStatus> {
  return new Promise((resolve, reject) => {
    if (service.status().state === wanted) return resolve(service.status());
    const timer = setTimeout(
      () => reject(new Error(`no "${wanted}" within ${timeoutMs} ms; now ${service.status().state}`)),
      timeoutMs,
    );
    const off = service.on((event) => {
      if (event.kind === 'state' && event.status.state === wanted) {
        clearTimeout(timer);
        off();
        resolve(event.status);
      }
    });
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return procCommandLine(pid) !== null;
  } catch {
    return false;
  }
};

afterEach(async () => {
  for (const key of Object.keys(process.env)) if (key.startsWith('FAKE_')) delete process.env[key];
  await Promise.all(services.splice(0).map((service) => service.stop()));
});

describe('RelayService with a real child process', () => {
  it('starts to running with a PID and ports, and stops to nothing left', async () => {
    const { service } = makeService();
    const status = await service.start();
    expect(status.state).toBe('running');
    expect(status.pid).toBeGreaterThan(0);
    expect(status.ports?.health).toBe(status.ports!.api + 1);
    const pid = status.pid!;
    expect(alive(pid)).toBe(true);
    const stopped = await service.stop();
    expect(stopped.state).toBe('stopped');
    expect(stopped.pid).toBeNull();
    expect(stopped.lastExit).toMatchObject({ code: 0, signal: null });
    expect(alive(pid)).toBe(false);
  });

  it('passes the relay contract environment with the tier and the panel key first', async () => {
    const { service, settings, dir } = makeService();
    settings.update({ tier: 'turbo', apiKey: 'user-key-0123456789abcdef' });
    const { pid } = await service.start();
    const environ = (await import('node:fs')).readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    expect(environ).toContain('TIER=turbo');
    expect(environ).toContain('API_KEYS=panel-key-for-tests,user-key-0123456789abcdef');
    expect(environ).toContain('BITCOIN_NODE=127.0.0.1:18444');
    expect(environ).toContain('LOG_FORMAT=json');
    expect(environ).toContain('SPRINT_PARENT_WATCH=1');
    expect(environ).toContain(`DATA_DIR=${path.join(dir, 'relay')}`);
  });

  it('restarts after an unexpected exit, counting the restart', async () => {
    const { service } = makeService();
    const first = await service.start();
    process.kill(first.pid!, 'SIGKILL');
    await waitForState(service, 'backoff');
    const back = await waitForState(service, 'running');
    expect(back.pid).not.toBe(first.pid);
    expect(back.restarts).toBe(1);
    expect(back.lastExit?.signal).toBe('SIGKILL');
  });

  it('gives up with crash-loop after too many crashes in the window, showing exit code and stderr', async () => {
    process.env.FAKE_CRASH_AFTER_MS = '150';
    const { service } = makeService({ crashLoopCount: 3, crashLoopWindowMs: 60_000 });
    await service.start();
    const looped = await waitForState(service, 'crash-loop');
    expect(looped.restarts).toBe(3);
    expect(looped.lastExit?.code).toBe(3);
    expect(looped.message).toMatch(/crashed 4 times/);
    expect(looped.message).toMatch(/exit code 3/);
    expect(looped.message).toMatch(/fake crash as asked/);
    expect(looped.pid).toBeNull();
  });

  it('SIGKILLs the whole process group when the relay ignores SIGTERM', async () => {
    process.env.FAKE_IGNORE_SIGTERM = '1';
    process.env.FAKE_GRANDCHILD = '1';
    const { service } = makeService({ stopTimeoutMs: 300 });
    const grandchild = new Promise<number>((resolve) =>
      service.on((event) => {
        const match = event.kind === 'log' ? /"grandchild","pid":(\d+)/.exec(event.line.message) : null;
        if (match) resolve(Number(match[1]));
      }),
    );
    const { pid } = await service.start();
    const grandchildPid = await grandchild;
    expect(alive(grandchildPid)).toBe(true);
    const stopped = await service.stop();
    expect(stopped.lastExit?.signal).toBe('SIGKILL');
    expect(alive(pid!)).toBe(false);
    await expect.poll(() => alive(grandchildPid), { timeout: 2000 }).toBe(false);
  });

  it('refuses a busy API port, naming the port and the process holding it', async () => {
    const blocker = net.createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => blocker.once('listening', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const { service, settings } = makeService();
      settings.update({ apiPort: port });
      const error = await service.start().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).code).toBe('PORT_IN_USE');
      expect((error as ApiError).message).toContain(`Port ${port}`);
      expect((error as ApiError).message).toContain(`pid ${process.pid}`);
      expect(service.status().state).toBe('stopped');
      expect(service.status().message).toContain(`Port ${port}`);
    } finally {
      blocker.close();
    }
  });

  it('says clearly when an external binary is missing or not executable', async () => {
    const { service, settings, dir } = makeService();
    settings.update({ relay: { source: 'external', externalPath: path.join(dir, 'bitcoin-sprint') } });
    await expect(service.start()).rejects.toMatchObject({
      code: 'RELAY_BINARY_MISSING',
      message: /missing or not executable/,
    });
    writeFileSync(path.join(dir, 'bitcoin-sprint'), '#!/bin/sh\n');
    chmodSync(path.join(dir, 'bitcoin-sprint'), 0o644);
    await expect(service.start()).rejects.toMatchObject({ code: 'RELAY_BINARY_MISSING' });
    settings.update({ relay: { source: 'external', externalPath: null } });
    await expect(service.start()).rejects.toMatchObject({ message: /no binary path is set/ });
  });

  it('stops a stale relay left by a previous panel, verified by its command line', async () => {
    const { service, dir } = makeService();
    const stale = spawn(process.execPath, [fakeRelay], {
      env: { ...process.env, API_PORT: '0' },
      detached: true,
      stdio: 'ignore',
    });
    writeFileSync(
      path.join(dir, 'relay.pid'),
      JSON.stringify({ pid: stale.pid, marker: fakeRelay, startedAt: 0 }),
    );
    const innocent = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      await service.start();
      expect(alive(stale.pid!)).toBe(false);
      // A pidfile naming a process whose command line is not the relay's is never signalled.
      await service.stop();
      writeFileSync(
        path.join(dir, 'relay.pid'),
        JSON.stringify({ pid: innocent.pid, marker: fakeRelay, startedAt: 0 }),
      );
      await service.start();
      expect(alive(innocent.pid!)).toBe(true);
    } finally {
      innocent.kill('SIGKILL');
    }
  });
});
