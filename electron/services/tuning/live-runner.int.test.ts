import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/api';
import type { TuneCandidate, TuneDesign } from '../../../shared/tuning';
import type { ProbeSample } from '../probe/protocol';
import type { ProbeTarget } from '../supervisor/probe-target';
import { formatCpuList, probeCapabilities } from '../launch';
import { SettingsStore } from '../settings/settings-store';
import { RelayService, relayResources } from '../supervisor/relay-service';
import { tuningCandidates } from './candidates';
import { runExperiment, type BlockDone } from './experiment';
import { liveRunner, type TrialRelay } from './live-runner';

/**
 * The block runner on real processes and sockets: the bundled probe (dist/relay/probe.mjs; npm run
 * build first) against a stand-in relay whose every restart is first not serving (503, as a relay
 * with no block yet), then serving, with its first answers to the probe slow (a restarted process's
 * first fraction of a second). A block must count only the candidate in steady state: nothing from
 * before the relay served, nothing of the warm-up, and no probe charged for the switch's wait.
 */

const KEY = 'k'.repeat(32);
const RATE = 200;
const INTERVAL = 1000 / RATE;
const SLOW_ANSWERS = 20;
const SLOW_MS = 40;

interface Restart {
  readonly servingFrom: number;
  /** When the probe (not the runner's readiness check) was first answered 200, server time. */
  firstProbeServedAt: number | null;
  /** Arrival times of the probe requests answered slowly. */
  readonly slowArrivals: number[];
}

/** A relay stand-in: GET /v1/btc/latest only; everything else 404 (the probe's stream just retries). */
async function fakeRelay(notServingMs: (restart: number) => number) {
  const restarts: Restart[] = [];
  const server = http.createServer((req, res) => {
    const now = Date.now();
    const current = restarts.at(-1);
    if (req.url !== '/v1/btc/latest' || req.headers['x-api-key'] !== KEY || !current) {
      res.writeHead(404).end();
      return;
    }
    if (now < current.servingFrom) {
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"no block yet"}');
      return;
    }
    // The runner's own readiness check comes through fetch (a user-agent); the probe's pool sends none.
    const fromProbe = req.headers['user-agent'] === undefined;
    const answer = () =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"height":1,"hash":"00"}');
    if (fromProbe) current.firstProbeServedAt ??= now;
    if (fromProbe && current.slowArrivals.length < SLOW_ANSWERS) {
      current.slowArrivals.push(now);
      setTimeout(answer, SLOW_MS);
    } else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const target: ProbeTarget = {
    apiUrl,
    healthUrl: apiUrl,
    key: KEY,
    tier: 'pro',
    relayPid: process.pid,
    argvPrefix: [],
    demoPeerUrl: null,
  };
  const relay: TrialRelay = {
    setTrialOverrides: () => undefined,
    restart: async () => {
      restarts.push({
        servingFrom: Date.now() + notServingMs(restarts.length),
        firstProbeServedAt: null,
        slowArrivals: [],
      });
    },
    probeTarget: () => target,
    killNow: () => undefined,
  };
  const stop = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { relay, restarts, stop };
}

const candidate = (id: string): TuneCandidate => ({
  id,
  label: id,
  overrides: {},
  probe: 'with-relay',
  probeCpus: null,
  applicable: true,
});

const design = (rounds: number): TuneDesign => ({
  candidates: 2,
  rounds,
  blockProbes: 60,
  warmupProbes: 40,
  rateHz: RATE,
  switchSeconds: 0,
  estimateSeconds: 0,
});

const link = { measurement: { recordBlock: () => undefined } };
const resources = relayResources(path.resolve('dist/relay'));
let stopRelay: (() => Promise<void>) | null = null;
afterEach(async () => {
  await stopRelay?.();
  stopRelay = null;
});

describe('a tuning block', () => {
  it('counts only probes after the relay serves and the warm-up, however long the switch took', async () => {
    // The first restart serves no block for 7.5 s (a fresh relay waiting for its upstream's block):
    // longer than the block's own deadline, which must not start until the relay serves.
    const fake = await fakeRelay((restart) => (restart === 0 ? 7500 : 300));
    stopRelay = fake.stop;
    const runner = liveRunner({ relay: fake.relay, link, resources, rateHz: RATE, timeoutMs: 1000 });
    const done: BlockDone[] = [];
    const samples = await runExperiment(
      design(2),
      [candidate('a'), candidate('b')],
      runner,
      new AbortController().signal,
      (block) => done.push(block),
    );

    expect(done).toHaveLength(4);
    expect(fake.restarts).toHaveLength(4);
    const blocks = done.map((block) => {
      const index = block.candidate.id === 'a' ? 0 : 1;
      return { ...block, counted: samples[index]![block.round]! };
    });
    for (const [i, block] of blocks.entries()) {
      const restart = fake.restarts[i]!;
      // No probe was charged for the switch's wait (a timeout stand-in would be 1000 ms, failed).
      expect(block.counted.filter((s: ProbeSample) => !s[2] || s[1] >= 1000)).toEqual([]);
      expect(block.counted).toHaveLength(60);
      expect(block.stalled).toBe(0);
      // In slot order, one sample per slot, nothing sent before the relay served the probe.
      const times = block.counted.map((s) => s[0]);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(new Set(times.map((t) => Math.round(t / INTERVAL))).size).toBe(60);
      const served = restart.firstProbeServedAt!;
      // Slot 0 is at or after the probe's first 200; the counted block starts 40 slots later
      // (a millisecond of leeway between the two processes' clocks).
      expect(Math.min(...times)).toBeGreaterThanOrEqual(served + 40 * INTERVAL - 1);
      // The slow first answers all fell in the warm-up, which is kept apart, slot by slot.
      expect(Math.min(...times)).toBeGreaterThan(Math.max(...restart.slowArrivals));
      expect(block.warmup).toHaveLength(40);
      expect(block.warmup.every((s) => s[0] < Math.min(...times))).toBe(true);
      expect(block.warmup.filter((s) => s[1] >= SLOW_MS - 1).length).toBeGreaterThan(0);
    }
    // The wait for a block was the switch's, and measured as such.
    expect(done[0]!.switchSeconds).toBeGreaterThan(7);
  }, 60_000);

  it('stops with a clear error when the relay never serves under a candidate', async () => {
    const fake = await fakeRelay(() => 60_000);
    stopRelay = fake.stop;
    const runner = liveRunner({
      relay: fake.relay,
      link,
      resources,
      rateHz: RATE,
      timeoutMs: 1000,
      serveWaitMs: 1500,
    });
    const started = Date.now();
    const error = await runExperiment(
      design(1),
      [candidate('tier default'), candidate('real-time off')],
      runner,
      new AbortController().signal,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('NOT_RUNNING');
    expect((error as ApiError).message).toContain('“tier default”');
    expect(Date.now() - started).toBeLessThan(5000);
  }, 20_000);
});

/** The plan's wrappers: each carries the probe's command line until it execs the next. */
const WRAPPERS = new Set(['taskset', 'nice', 'chrt']);

/**
 * The bundled probe processes this test process spawned, with the CPUs the kernel lets each run on.
 * A wrapper is left out: `taskset` runs on the parent's CPUs for the moment between its own exec and
 * its sched_setaffinity, and a CI run caught it there (0-1 beside the probe's 0).
 */
function ownProbes(): { pid: number; name: string; cpus: string }[] {
  const found: { pid: number; name: string; cpus: string }[] = [];
  for (const entry of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      const parent = Number(/^PPid:\s*(\d+)$/m.exec(status)?.[1]);
      const name = /^Name:\s*(\S+)$/m.exec(status)?.[1] ?? '?';
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (parent !== process.pid || !cmdline.includes(resources.probeScript) || WRAPPERS.has(name)) continue;
      found.push({
        pid: Number(entry),
        name,
        cpus: /^Cpus_allowed_list:\s*(\S+)$/m.exec(status)?.[1] ?? '?',
      });
    } catch {
      // A process that ended while listed.
    }
  }
  return found;
}

describe.runIf(process.platform === 'linux' && os.cpus().length >= 2)('a block on the real relay', () => {
  it('runs the relay-apart candidate’s probe on its own CPUs, as the live probe runs once applied', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sprint-live-runner-'));
    const settings = new SettingsStore(path.join(dir, 'settings.json'));
    // pro: no real-time scheduling, so the probe and relay cannot starve the shared machine.
    settings.update({
      tier: 'pro',
      upstream: { mode: 'demo', bitcoinNode: null, network: 'regtest', demoIntervalSeconds: 1 },
    });
    const relay = new RelayService({
      settings,
      resources,
      panelKey: 'panel-key',
      pidFilePath: path.join(dir, 'relay.pid'),
    });
    stopRelay = () => relay.stop().then(() => undefined);
    const caps = await probeCapabilities();
    const apart = tuningCandidates('pro', caps, 'builtin').candidates.find((c) => c.id === 'affinity-apart')!;
    const half = Math.floor(caps.cpus.length / 2);
    const probeCpus = formatCpuList(caps.cpus.slice(0, half));
    expect(apart.overrides).toEqual({ cpus: formatCpuList(caps.cpus.slice(half)), probeCpus });

    const seen: { pid: number; name: string; cpus: string }[] = [];
    const watch = setInterval(() => seen.push(...ownProbes()), 20);
    try {
      const runner = liveRunner({ relay, link, resources, rateHz: RATE, timeoutMs: 1000 });
      const signal = new AbortController().signal;
      await runner.switchTo(apart, signal);
      const block = await runner.probe(apart, { warmupProbes: 20, blockProbes: 100 }, signal);
      expect(block.counted).toHaveLength(100);
    } finally {
      clearInterval(watch);
    }
    // The probe of the block ran where the candidate places it, under the relay's plan.
    expect(seen.length).toBeGreaterThan(0);
    expect([...new Set(seen.map((p) => p.cpus))], JSON.stringify(seen.slice(0, 20))).toEqual([probeCpus]);
    expect(relay.status().launch?.items.find((i) => i.name === 'probe-affinity')?.requested).toBe(
      `cpus ${probeCpus}`,
    );
    // Tried, never saved: the user's settings are as they were.
    expect(settings.get().overrides.pro).toBeUndefined();
  }, 60_000);
});
