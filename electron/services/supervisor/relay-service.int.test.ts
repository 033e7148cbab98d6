import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/api';
import { procStartTime } from './pidfile';
import { alive, fakeRelay, trackedServices, waitForState } from './test-support/fake-relay-service';

const services = trackedServices();

afterEach(() => services.stopAll());

describe('RelayService with a real child process', () => {
  it('starts to running with a PID and ports, and stops to nothing left', async () => {
    const { service } = services.make();
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
    const { service, settings, dir } = services.make();
    settings.update({ tier: 'turbo', apiKey: 'user-key-0123456789abcdef' });
    const { pid } = await service.start();
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    expect(environ).toContain('TIER=turbo');
    expect(environ).toContain('API_KEYS=panel-key-for-tests,user-key-0123456789abcdef');
    expect(environ).toContain('BITCOIN_NODE=127.0.0.1:18444');
    expect(environ).toContain('LOG_FORMAT=json');
    expect(environ).toContain('SPRINT_PARENT_WATCH=1');
    expect(environ).toContain(`DATA_DIR=${path.join(dir, 'relay')}`);
  });

  it('restarts after an unexpected exit, counting the restart', async () => {
    const { service } = services.make();
    const first = await service.start();
    process.kill(first.pid!, 'SIGKILL');
    await waitForState(service, 'backoff');
    const back = await waitForState(service, 'running');
    expect(back.pid).not.toBe(first.pid);
    expect(back.restarts).toBe(1);
    expect(back.lastExit?.signal).toBe('SIGKILL');
  });

  it('gives up with crash-loop after too many crashes in the window, showing exit code and stderr', async () => {
    const { service } = services.make(
      { crashLoopCount: 3, crashLoopWindowMs: 60_000 },
      { FAKE_CRASH_AFTER_MS: '150' },
    );
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
    const { service } = services.make(
      { stopTimeoutMs: 300 },
      { FAKE_IGNORE_SIGTERM: '1', FAKE_GRANDCHILD: '1' },
    );
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
      const { service, settings } = services.make();
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
    const { service, settings, dir } = services.make();
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

  it('stops a stale relay left by a previous panel, verified by its command line and start time', async () => {
    const { service, dir } = services.make();
    const spawnStale = () =>
      spawn(process.execPath, [fakeRelay], {
        env: { ...process.env, API_PORT: '0' },
        detached: true,
        stdio: 'ignore',
      });
    const pidFile = (record: object) => writeFileSync(path.join(dir, 'relay.pid'), JSON.stringify(record));
    const until = async (pid: number) =>
      expect.poll(() => procStartTime(pid), { timeout: 5000, interval: 20 }).not.toBeNull();
    const stale = spawnStale();
    await until(stale.pid!);
    pidFile({ pid: stale.pid, marker: fakeRelay, startedAt: 0, startTime: procStartTime(stale.pid!) });
    const innocent = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    // Its command line carries the marker, but it is not the process the file recorded.
    const lookalike = spawnStale();
    await until(lookalike.pid!);
    try {
      await service.start();
      expect(alive(stale.pid!)).toBe(false);
      await service.stop();
      // A pidfile naming a process whose command line is not the relay's is never signalled.
      pidFile({
        pid: innocent.pid,
        marker: fakeRelay,
        startedAt: 0,
        startTime: procStartTime(innocent.pid!),
      });
      await service.start();
      expect(alive(innocent.pid!)).toBe(true);
      await service.stop();
      // Nor one whose marker matches but whose start time differs (a reused pid, a hand-edited file),
      // nor one with no start time at all.
      const real = Number(procStartTime(lookalike.pid!));
      for (const startTime of [String(real - 1), undefined]) {
        pidFile({ pid: lookalike.pid, marker: fakeRelay, startedAt: 0, startTime });
        await service.start();
        expect(alive(lookalike.pid!), `start time ${startTime}`).toBe(true);
        await service.stop();
      }
    } finally {
      innocent.kill('SIGKILL');
      process.kill(-lookalike.pid!, 'SIGKILL');
    }
  });

  it("records the relay's start time in the pidfile", async () => {
    const { service, dir } = services.make();
    const { pid } = await service.start();
    const record = JSON.parse(readFileSync(path.join(dir, 'relay.pid'), 'utf8')) as { startTime: string };
    expect(record.startTime).toBe(procStartTime(pid!));
    expect(record.startTime).toMatch(/^\d+$/);
  });
});
