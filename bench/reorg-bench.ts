// Reorgs and resume on the built-in relay: how long a 1,100-block reorg (beyond side-branch reach,
// so through headers presync) takes from the peer's announcement to the new tip on the stream; how
// long a client resuming with `since` waits for 1,000 missed messages; the relay's RSS while a peer
// offers a 1,000,000-header low-work chain.
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { cachedRegtestChain } from '../relay/test-support/chain-gen';
import { ChainPeer } from '../relay/test-support/chain-peer';
import { getJson, openWebSocket, request } from '../relay/test-support/clients';
import { type RelayProcess, startRelay } from '../relay/test-support/processes';
import type { BenchSection } from './types';

const KEY = 'bench-reorg-key';
const CHAINS = path.join(os.tmpdir(), 'sprint-chains');

async function waitReady(r: RelayProcess): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    if ((await request(`${r.healthPortUrl}/ready`)).status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('relay not ready');
}

async function reorgAndReplay(): Promise<{ reorgMs: number; replayMs: number; replayed: number }> {
  const peer = new ChainPeer(cachedRegtestChain(CHAINS, 3000));
  const relay = await startRelay({ API_KEYS: KEY, BITCOIN_NODE: `127.0.0.1:${await peer.listen()}` });
  try {
    await waitReady(relay);
    const api = `127.0.0.1:${relay.apiPort}`;
    const ws = await openWebSocket<{ type: string; seq: number; hash?: string }>(
      `ws://${api}/v1/btc/stream?key=${KEY}`,
    );
    const started = performance.now();
    peer.reorg(1100, 1);
    const tip = peer.hashAt(peer.height);
    await ws.messages.until((m) => m.some((x) => x.hash === tip), 'new tip', 60_000);
    const reorgMs = performance.now() - started;
    // 1,102 events were published (one reorg, 1,101 blocks): resume from 1,000 before the last.
    const lastSeq = ws.messages.items.at(-1)?.seq ?? 0;
    const since = lastSeq - 1000;
    const t0 = performance.now();
    const back = await openWebSocket<{ seq: number }>(`ws://${api}/v1/btc/stream?key=${KEY}&since=${since}`);
    await back.messages.until((m) => m.length >= 1000, '1,000 replayed', 30_000);
    const replayMs = performance.now() - t0;
    ws.close();
    back.close();
    return { reorgMs, replayMs, replayed: back.messages.items.length };
  } finally {
    peer.close();
    await relay.stop();
  }
}

async function lowWorkFlood(n: number): Promise<{ baselineMb: number; peakMb: number; ms: number }> {
  const peer = new ChainPeer(cachedRegtestChain(CHAINS, n));
  const relay = await startRelay({
    API_KEYS: KEY,
    BITCOIN_NODE: `127.0.0.1:${await peer.listen()}`,
    MINIMUM_CHAIN_WORK: 'ffffffff',
  });
  try {
    const health = async (): Promise<{
      runtime: { rssMb: number };
      upstream: { sync?: { state: string } };
    }> => (await getJson(`${relay.healthPortUrl}/health`)).json as never;
    const baselineMb = (await health()).runtime.rssMb;
    let peakMb = baselineMb;
    const t0 = performance.now();
    for (;;) {
      const h = await health();
      peakMb = Math.max(peakMb, h.runtime.rssMb);
      if (h.upstream.sync?.state === 'waiting-upstream' || performance.now() - t0 > 300_000) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return { baselineMb, peakMb, ms: performance.now() - t0 };
  } finally {
    peer.close();
    await relay.stop();
  }
}

export async function runReorgBench(): Promise<BenchSection> {
  const r = await reorgAndReplay();
  const flood = await lowWorkFlood(1_000_000);
  return {
    title: 'Reorgs, resume and low-work floods (built-in relay)',
    rows: [
      {
        metric: 'reorg of depth 1,100 followed (announcement to new tip on the stream)',
        value: r.reorgMs / 1000,
        unit: 's',
      },
      {
        metric: `replay of ${r.replayed} missed messages to a resuming client`,
        value: r.replayMs,
        unit: 'ms',
      },
      { metric: 'relay RSS before a 1,000,000-header low-work flood', value: flood.baselineMb, unit: 'MB' },
      { metric: 'relay RSS peak during it', value: flood.peakMb, unit: 'MB' },
      { metric: 'flood checked (all headers presynced, nothing stored)', value: flood.ms / 1000, unit: 's' },
    ],
    raw: { ...r, flood, cpus: os.cpus().length },
  };
}
