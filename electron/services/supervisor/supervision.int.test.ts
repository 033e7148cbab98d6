import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { callPanel, startHeadlessPanel } from '../../../e2e/support/headless';
import type { RelayStatus } from '../../../shared/relay-status';
import { SettingsStore } from '../settings/settings-store';
import { procCommandLine } from './pidfile';
import { RelayService, relayResources } from './relay-service';

// The real bundled relay and demo peer (test/global-setup.ts builds them), under the real supervisor.
const resources = relayResources(path.resolve('dist/relay'));
const cleanups: Array<() => Promise<unknown> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const alive = (pid: number) => procCommandLine(pid) !== null;

function makeService(policy: ConstructorParameters<typeof RelayService>[0]['policy'] = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sprint-supervision-'));
  const settings = new SettingsStore(path.join(dir, 'settings.json'));
  const service = new RelayService({
    settings,
    resources,
    panelKey: 'panel-key',
    pidFilePath: path.join(dir, 'relay.pid'),
    policy,
  });
  cleanups.push(() => service.stop());
  return { service, settings };
}

/** Every state the service went through, for a failure to show the way it came. */
const seen = new WeakMap<RelayService, string[]>();
function recordStates(service: RelayService): void {
  const lines: string[] = [];
  seen.set(service, lines);
  service.on((event) => {
    if (event.kind !== 'state') return;
    const { state, pid, lastExit, message } = event.status;
    const exit = lastExit ? ` last exit ${lastExit.signal ?? `code ${lastExit.code}`}` : '';
    lines.push(`${state} pid ${pid ?? '-'}${exit}${message ? `: ${message.slice(0, 160)}` : ''}`);
    if (lines.length > 400) lines.splice(0, lines.length - 400);
  });
}

function nextState(service: RelayService, predicate: (status: RelayStatus) => boolean, timeoutMs = 10_000) {
  return new Promise<RelayStatus>((resolve, reject) => {
    const timer = setTimeout(
      // The state's message says why (a crash loop names its count and the last exit's output).
      () => {
        const { state, message } = service.status();
        const way = (seen.get(service) ?? []).slice(-40).join('\n  ');
        reject(new Error(`timed out; state ${state}${message ? `: ${message}` : ''}\nstates:\n  ${way}`));
      },
      timeoutMs,
    );
    const off = service.on((event) => {
      if (event.kind === 'state' && predicate(event.status)) {
        clearTimeout(timer);
        off();
        resolve(event.status);
      }
    });
  });
}

describe('supervising the real relay', () => {
  it('recovers from kill -9 fifty times, then stops restarting when the crash window trips', async () => {
    const { service } = makeService({
      backoffInitialMs: 10,
      backoffCapMs: 100,
      crashLoopCount: 50,
      crashLoopWindowMs: 120_000,
    });
    recordStates(service);
    let status = await service.start();
    const pids = new Set<number>([status.pid!]);
    for (let kill = 1; kill <= 50; kill++) {
      const recovered = nextState(service, (s) => s.state === 'running' && s.pid !== status.pid);
      process.kill(status.pid!, 'SIGKILL');
      status = await recovered;
      pids.add(status.pid!);
    }
    expect(status.restarts).toBe(50);
    expect(pids.size).toBe(51);
    const looped = nextState(service, (s) => s.state === 'crash-loop');
    process.kill(status.pid!, 'SIGKILL');
    const final = await looped;
    expect(final.message).toMatch(/crashed 51 times within 120 s \(last: signal SIGKILL\)/);
    expect(final.lastExit?.signal).toBe('SIGKILL');
    for (const pid of pids) expect(alive(pid)).toBe(false);
  }, 120_000);

  it('reads back what the OS applied and it matches the plan (root: nice, SCHED_FIFO, pinning)', async () => {
    const { service, settings } = makeService();
    settings.update({ tier: 'enterprise', overrides: { enterprise: { cpus: '1' } } });
    const status = await service.start();
    const items = Object.fromEntries(status.launch!.items.map((item) => [item.name, item]));
    expect(status.launch?.readBackAt).not.toBeNull();
    for (const name of ['priority', 'scheduling', 'affinity'] as const) {
      expect(items[name]?.granted, `${name}: ${items[name]?.reason}`).toBe(true);
      expect(items[name]?.applied).toBe(items[name]?.requested);
    }
    expect(items.affinity?.requested).toBe('cpus 1');
    expect(items.affinity?.overridden).toBe(true);
    expect(items.scheduling?.requested).toMatch(/SCHED_FIFO/);
    // The relay's own knobs come back from its /health: requested beside what it could apply.
    expect(items.PREALLOC_BUFFERS).toMatchObject({ appliedBy: 'relay', applied: 'true', granted: true });
    const argv = status.launch!.argv;
    expect(argv[0]).toMatch(/taskset$/);
    expect(argv.slice(1, 3)).toEqual(['-c', '1']);
  });
});

describe('nothing is left running', () => {
  async function startHeadless() {
    const panel = await startHeadlessPanel();
    const host = panel.process;
    cleanups.push(() => void host.kill('SIGKILL'));
    const started = (await callPanel(panel, 'relay.start')) as RelayStatus;
    expect(started.state).toBe('running');
    const children = childPids(host.pid!);
    expect(children.length).toBeGreaterThanOrEqual(2); // relay and demo peer
    return { host, children, relayPid: started.pid! };
  }

  it('kill -9 of the panel host: the relay and demo peer exit within 2 s', async () => {
    const { host, children, relayPid } = await startHeadless();
    expect(children).toContain(relayPid);
    process.kill(host.pid!, 'SIGKILL');
    await expect.poll(() => children.filter(alive), { timeout: 2000, interval: 50 }).toEqual([]);
  });

  it('quit (SIGTERM to the panel): it exits 0 after stopping every child', async () => {
    const { host, children } = await startHeadless();
    const exited = new Promise<number | null>((resolve) => host.once('exit', resolve));
    host.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(children.filter(alive)).toEqual([]);
  });
});

/** Direct children of a process, from /proc (what a user would see in a process list). */
function childPids(parent: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent;
      } catch {
        return false;
      }
    });
}
