// go-relay-scale and go-relay-enterprise: the Go relay (relay/go) at mainnet size and under API load,
// each beside the TypeScript relay measured the same way in the same run.
//
// go-relay-scale: a peer serving 925,000 generated regtest headers and announcing a block every 2 s;
// sync from nothing to live, restart to live with DATA_DIR, RSS settled and peak, getheaders sent.
// go-relay-enterprise: the enterprise tier ("GC off") with a memory limit under 20 s of API load;
// RSS growth over the load.
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { KeepAlivePool } from '../electron/services/probe/http-client';
import { cachedRegtestChain } from '../relay/test-support/chain-gen';
import { ChainPeer } from '../relay/test-support/chain-peer';
import { getJson, request } from '../relay/test-support/clients';
import { startRelay } from '../relay/test-support/processes';
import { goMemLimitText } from '../shared/knobs';
import { TIERS } from '../shared/tiers';
import { spawnGoRelay } from '../test/support/go-relay';
import { median, tempDir } from './support';
import type { BenchRow, BenchSection } from './types';

const HEADERS = 925_000;
const ANNOUNCE_MS = 2000;
const RESTARTS = 3;
const KEY = 'bench-go-scale-key';
const LOAD_SECONDS = 20;
const LOAD_CLIENTS = 8;
/** The launch plan's GOMEMLIMIT for enterprise (GOGC=off), as a Go binary is given it. */
const ENTERPRISE_LIMIT = goMemLimitText(TIERS.enterprise.knobs.memoryBudgetMiB);

function procStatusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
}
const mb = (kb: number) => Math.round(kb / 102.4) / 10;

/** CPU seconds (user + system) the process has used: a figure the shared machine's contention does not stretch. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  // utime and stime are fields 14 and 15 of stat, 12 and 13 after the command name.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Seconds the process's threads waited in the run queue for a CPU (schedstat's second field, summed
 * over threads): on the shared machine, how much of a wall-clock figure is other people's work.
 */
function cpuWaitSeconds(pid: number): number {
  try {
    let waitNs = 0;
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      waitNs += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[1] ?? 0);
    }
    return Math.round(waitNs / 1e7) / 100;
  } catch {
    return NaN; // no schedstat (kernel without it, or not Linux)
  }
}

/** A relay under test, whichever runtime: its ports, pid and a graceful stop. */
interface Started {
  readonly apiPort: number;
  readonly healthPort: number;
  readonly pid: number;
  stop(): Promise<void>;
}

type Launcher = (env: Record<string, string>) => Promise<Started>;

const goRelay: Launcher = async (env) => {
  const p = spawnGoRelay(env);
  const ports = await p.ports;
  return { ...ports, pid: p.child.pid ?? 0, stop: () => p.stop() };
};

const tsRelay: Launcher = async (env) => {
  const p = await startRelay(env);
  return { apiPort: p.apiPort, healthPort: p.healthPort, pid: p.child.pid ?? 0, stop: () => p.stop() };
};

async function untilLive(r: Started, healthMs: number[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const t = performance.now();
    await request(`http://127.0.0.1:${r.healthPort}/health`);
    healthMs.push(performance.now() - t);
    if ((await request(`http://127.0.0.1:${r.healthPort}/ready`)).status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`relay not live within ${timeoutMs} ms`);
}

interface ScaleFigures {
  syncS: number;
  syncCpuS: number;
  syncCpuWaitS: number;
  restartCpuS: number;
  restartCpuWaitS: number;
  restartMs: number;
  restarts: number[];
  settledMb: number;
  peakMb: number;
  getheaders: number;
  servedRatio: number;
  healthMaxMs: number;
}

async function scale(
  launch: Launcher,
  env: Record<string, string>,
  peer: ChainPeer,
  port: number,
): Promise<ScaleFigures> {
  const dataDir = tempDir('go-relay-scale');
  const base = {
    ...env,
    API_KEYS: KEY,
    BITCOIN_NODE: `127.0.0.1:${port}`,
    BITCOIN_NETWORK: 'regtest',
    DATA_DIR: dataDir,
  };
  const getheaders0 = peer.getheadersReceived;
  const served0 = peer.headersServed;
  const health: number[] = [];
  const t0 = performance.now();
  const first = await launch(base);
  await untilLive(first, health, 120_000);
  const syncS = (performance.now() - t0) / 1000;
  const syncCpuS = cpuSeconds(first.pid);
  const syncCpuWaitS = cpuWaitSeconds(first.pid);
  const getheaders = peer.getheadersReceived - getheaders0;
  const servedRatio = (peer.headersServed - served0) / HEADERS;
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const rss = [procStatusKb(first.pid, 'VmRSS')];
  const peak = [procStatusKb(first.pid, 'VmHWM')];
  await first.stop();
  const restarts: number[] = [];
  const restartCpu: number[] = [];
  const restartWait: number[] = [];
  for (let i = 0; i < RESTARTS; i++) {
    const t = performance.now();
    const again = await launch(base);
    await untilLive(again, [], 60_000);
    restarts.push(performance.now() - t);
    restartCpu.push(cpuSeconds(again.pid));
    restartWait.push(cpuWaitSeconds(again.pid));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    rss.push(procStatusKb(again.pid, 'VmRSS'));
    peak.push(procStatusKb(again.pid, 'VmHWM'));
    await again.stop();
  }
  return {
    syncS,
    syncCpuS,
    syncCpuWaitS,
    restartCpuS: median(restartCpu),
    restartCpuWaitS: median(restartWait),
    restartMs: median(restarts),
    restarts,
    settledMb: mb(Math.max(...rss)),
    peakMb: mb(Math.max(...peak)),
    getheaders,
    servedRatio,
    healthMaxMs: Math.max(...health),
  };
}

function scaleRows(label: string, f: ScaleFigures): BenchRow[] {
  return [
    { metric: `${label}: CPU used by the relay to sync (user + system)`, value: f.syncCpuS, unit: 's' },
    {
      metric: `${label}: time the relay's threads waited for a CPU during sync (schedstat)`,
      value: f.syncCpuWaitS,
      unit: 's',
    },
    {
      metric: `${label}: time the relay's threads waited for a CPU to restart (median, schedstat)`,
      value: f.restartCpuWaitS,
      unit: 's',
    },
    {
      metric: `${label}: CPU used by the relay to restart to live (median)`,
      value: f.restartCpuS,
      unit: 's',
    },
    {
      metric: `${label}: sync from nothing to live`,
      value: f.syncS,
      unit: 's',
      target: '≤ 8 s',
      met: f.syncS <= 8,
    },
    {
      metric: `${label}: restart to live (DATA_DIR, median of ${RESTARTS})`,
      value: f.restartMs,
      unit: 'ms',
      target: '≤ 1500 ms',
      met: f.restartMs <= 1500,
    },
    {
      metric: `${label}: RSS settled (max of runs)`,
      value: f.settledMb,
      unit: 'MB',
      target: '≤ 250 MB',
      met: f.settledMb <= 250,
    },
    { metric: `${label}: RSS peak (VmHWM, max of runs)`, value: f.peakMb, unit: 'MB' },
    {
      metric: `${label}: getheaders sent during sync`,
      value: f.getheaders,
      unit: 'count',
      target: `≈ ${Math.ceil(HEADERS / 2000)}`,
      met: f.getheaders <= Math.ceil(HEADERS / 2000) + 10,
    },
    {
      metric: `${label}: headers served / chain length`,
      value: f.servedRatio,
      unit: 'ratio',
      target: '≈ 1',
      met: f.servedRatio < 1.05,
    },
    { metric: `${label}: /health answer during sync, max`, value: f.healthMaxMs, unit: 'ms' },
  ];
}

export async function runGoRelayScaleBench(): Promise<BenchSection> {
  const chain = cachedRegtestChain(path.join(os.tmpdir(), 'sprint-chains'), HEADERS);
  const peer = new ChainPeer(chain, { announceEveryMs: ANNOUNCE_MS });
  const port = await peer.listen();
  peer.startAnnouncing();
  try {
    const go = await scale(goRelay, { TIER: 'free' }, peer, port);
    // The launch plan's enterprise: GC off, bounded by the tier's memory budget.
    const goEnterprise = await scale(
      goRelay,
      { TIER: 'enterprise', GOGC: 'off', GOMEMLIMIT: ENTERPRISE_LIMIT },
      peer,
      port,
    );
    const ts = await scale(tsRelay, { TIER: 'free' }, peer, port);
    return {
      title: `go-relay-scale: ${HEADERS.toLocaleString('en')} headers, a block announced every ${ANNOUNCE_MS / 1000} s (Go and TypeScript relays, same run)`,
      rows: [
        ...scaleRows('Go, free', go),
        ...scaleRows(`Go, enterprise GOGC=off GOMEMLIMIT=${ENTERPRISE_LIMIT}`, goEnterprise),
        ...('error' in ts ? [] : scaleRows('TypeScript, free', ts)),
      ],
      raw: { go, goEnterprise, ts, announced: peer.announced.length },
    };
  } finally {
    peer.close();
  }
}

interface LoadFigures {
  requests: number;
  errors: number;
  baselineMb: number;
  maxMb: number;
  growthMb: number;
  runtime: unknown;
}

/** LOAD_CLIENTS keep-alive clients asking /v1/btc/latest back to back for LOAD_SECONDS. */
async function apiLoad(launch: Launcher, env: Record<string, string>, port: number): Promise<LoadFigures> {
  const r = await launch({
    ...env,
    API_KEYS: KEY,
    BITCOIN_NODE: `127.0.0.1:${port}`,
    BITCOIN_NETWORK: 'regtest',
  });
  try {
    await untilLive(r, [], 30_000);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const baseline = procStatusKb(r.pid, 'VmRSS');
    let max = baseline;
    const sampler = setInterval(() => (max = Math.max(max, procStatusKb(r.pid, 'VmRSS'))), 100);
    const end = Date.now() + LOAD_SECONDS * 1000;
    let requests = 0;
    let errors = 0;
    const signal = new AbortController().signal;
    await Promise.all(
      Array.from({ length: LOAD_CLIENTS }, async () => {
        const pool = new KeepAlivePool({
          host: '127.0.0.1',
          port: r.apiPort,
          path: '/v1/btc/latest',
          headers: { 'x-api-key': KEY },
          maxSockets: 1,
          now: () => performance.now(),
        });
        try {
          while (Date.now() < end) {
            const { status } = await pool.get(signal);
            requests++;
            if (status !== 200) errors++;
          }
        } finally {
          pool.destroy();
        }
      }),
    );
    clearInterval(sampler);
    max = Math.max(max, procStatusKb(r.pid, 'VmRSS'));
    const health = await getJson<{ runtime: unknown }>(`http://127.0.0.1:${r.healthPort}/health`);
    return {
      requests,
      errors,
      baselineMb: mb(baseline),
      maxMb: mb(max),
      growthMb: mb(max - baseline),
      runtime: health.json.runtime,
    };
  } finally {
    await r.stop();
  }
}

export async function runGoRelayEnterpriseBench(): Promise<BenchSection> {
  const peer = new ChainPeer(cachedRegtestChain(path.join(os.tmpdir(), 'sprint-chains'), 1000), {
    announceEveryMs: ANNOUNCE_MS,
  });
  const port = await peer.listen();
  peer.startAnnouncing();
  try {
    const budget = await apiLoad(
      goRelay,
      { TIER: 'enterprise', GOGC: 'off', GOMEMLIMIT: ENTERPRISE_LIMIT },
      port,
    );
    // The budget every tier had before: GC off then lets the relay grow by about the whole of it.
    const wide = await apiLoad(goRelay, { TIER: 'enterprise', GOGC: 'off', GOMEMLIMIT: '256MiB' }, port);
    const ts = await apiLoad(tsRelay, { TIER: 'enterprise' }, port);
    const rows = (label: string, f: LoadFigures, target?: number): BenchRow[] => [
      {
        metric: `${label}: RSS growth over ${LOAD_SECONDS} s of API load`,
        value: f.growthMb,
        unit: 'MB',
        ...(target === undefined ? {} : { target: `≤ ${target} MB`, met: f.growthMb <= target }),
      },
      { metric: `${label}: RSS before → max`, value: f.maxMb, unit: `MB (from ${f.baselineMb})` },
      { metric: `${label}: requests answered (${LOAD_CLIENTS} clients)`, value: f.requests, unit: 'count' },
      {
        metric: `${label}: non-200 answers`,
        value: f.errors,
        unit: 'count',
        target: '0',
        met: f.errors === 0,
      },
    ];
    return {
      title: `go-relay-enterprise: GC off with a memory limit, ${LOAD_SECONDS} s of /v1/btc/latest load (Go and TypeScript relays, same run)`,
      rows: [
        ...rows(`Go, enterprise GOGC=off GOMEMLIMIT=${ENTERPRISE_LIMIT} (launch-plan budget)`, budget, 64),
        ...rows('Go, enterprise GOGC=off GOMEMLIMIT=256MiB (for comparison)', wide),
        ...rows('TypeScript, enterprise', ts),
      ],
      raw: { budget, wide, ts },
    };
  } finally {
    peer.close();
  }
}
