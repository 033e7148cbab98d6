import http from 'node:http';
import { readFileSync } from 'node:fs';
import { RelayHealth } from '../../shared/relay-contract';
import { getJson, request } from '../../relay/test-support/clients';
import { BUILT, type Spawned, listening, spawnBuilt, startRelay } from '../../relay/test-support/processes';

export interface HostilePeer extends Spawned {
  port: number;
}

/** The bundled hostile peer (scripts/build.mjs builds it into dist/test). */
export async function startHostilePeer(args: readonly string[]): Promise<HostilePeer> {
  const p = spawnBuilt(BUILT.hostilePeer, args, {});
  const line = await listening(p);
  return Object.assign(p, { port: Number(line.port) });
}

/** Resident and peak resident memory of a process, MB, from /proc/<pid>/status. */
export function memoryMb(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

export interface LatencyFigures {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

/**
 * Polls a URL every `everyMs` on one keep-alive connection and records each answer's latency, so a
 * flood can be shown not to stall the API (a request that fails counts as Infinity).
 */
export function pollLatency(url: string, headers: Record<string, string>, everyMs = 20) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const samples: number[] = [];
  let stopped = false;
  const once = (): void => {
    if (stopped) return;
    const started = performance.now();
    const req = http.get(url, { agent, headers }, (res) => {
      res.resume();
      res.on('end', () => {
        samples.push(res.statusCode === 200 ? performance.now() - started : Infinity);
        setTimeout(once, everyMs);
      });
    });
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
    req.on('error', () => {
      samples.push(Infinity);
      setTimeout(once, everyMs);
    });
  };
  once();
  let from = 0;
  return {
    /** Only samples from now on count (the flood's start, not the relay's own start-up). */
    mark(): void {
      from = samples.length;
    },
    stop(): LatencyFigures {
      stopped = true;
      agent.destroy();
      const sorted = samples.slice(from).sort((a, b) => a - b);
      const at = (q: number): number =>
        sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
      return { n: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? NaN };
    },
  };
}

export interface FloodFigures {
  attack: string;
  /** From the attack's first message to the relay's drop log (or the flood's end). */
  dropMs: number;
  rssBeforeMb: number;
  peakGrowthMb: number;
  settledGrowthMb: number;
  api: LatencyFigures;
}

export interface FloodRun {
  figures: FloodFigures;
  /** The relay's "peer dropped" log line, or the peer's attack-done event when no drop was expected. */
  outcome: Record<string, unknown>;
  health: RelayHealth;
  metrics: string;
  relayAlive: boolean;
}

const KEY = 'hostile-flood-key';
/** The peer waits this long after the relay synced before attacking, so the baseline is a synced relay. */
const BASELINE_MS = 600;
const round = (mb: number): number => Math.round(mb * 10) / 10;

/**
 * One flood against a fresh relay: memory from /proc before the attack, peak (VmHWM) and settled
 * after the drop, API latency polled from the attack's start until 500 ms after it ended. Both
 * processes are stopped before it returns.
 */
export async function runFlood(
  attack: string,
  expectDrop: boolean,
  env: Record<string, string> = {},
): Promise<FloodRun> {
  const peer = await startHostilePeer([
    '--attack',
    attack,
    '--chain',
    '4000',
    '--seconds',
    '8',
    '--delay',
    String(BASELINE_MS),
  ]);
  let relay;
  try {
    relay = await startRelay({ API_KEYS: KEY, BITCOIN_NODE: `127.0.0.1:${peer.port}`, ...env });
    const pid = relay.child.pid ?? 0;
    const poll = pollLatency(`http://127.0.0.1:${relay.apiPort}/v1/btc/status`, { 'x-api-key': KEY });
    await peer.stdout.find((e) => e.event === 'synced', 'the relay synced the 4,000-header chain');
    await new Promise((resolve) => setTimeout(resolve, BASELINE_MS / 2));
    const before = memoryMb(pid);
    poll.mark();
    await peer.stdout.find((e) => e.event === 'attack-started', 'the attack');
    const started = Date.now();
    // With no drop expected the flood runs to its end, every message of it reaching the relay.
    const outcome = expectDrop
      ? await relay.logs.find((l) => l.message === 'peer dropped', `drop for ${attack}`, 12_000)
      : await peer.stdout.find((e) => e.event === 'attack-done', `${attack} to finish`, 12_000);
    const dropMs = Date.now() - started;
    const peak = memoryMb(pid);
    // Keep measuring a while after the drop: what the peer left behind must not slow the API either.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const api = poll.stop();
    const after = memoryMb(pid);
    const health = RelayHealth.parse((await getJson(`${relay.healthPortUrl}/health`)).json);
    const metrics = (await request(`${relay.healthPortUrl}/metrics`)).body;
    const figures: FloodFigures = {
      attack,
      dropMs,
      rssBeforeMb: round(before.rss),
      peakGrowthMb: round(peak.hwm - before.rss),
      settledGrowthMb: round(after.rss - before.rss),
      api,
    };
    return { figures, outcome, health, metrics, relayAlive: relay.child.exitCode === null };
  } finally {
    await Promise.all([relay?.stop(), peer.stop()]);
  }
}
