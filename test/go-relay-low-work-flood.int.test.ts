import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RelayHealth } from '../shared/relay-contract';
import { cachedRegtestChain } from '../relay/test-support/chain-gen';
import { ChainPeer } from '../relay/test-support/chain-peer';
import { getJson, request } from '../relay/test-support/clients';
import { goRelayBinary, SKIP_WITHOUT_GO, spawnGoRelay } from './support/go-relay';

// A peer feeding the Go relay a 1,000,000-header chain below the minimum chain work: the headers
// presync (relay/go/presync.go, as Core's headerssync.cpp) weighs it keeping only salted commitments
// and stores none of it; memory stays flat, the relay never calls itself ready on it, and the peer is
// kept as a node still in its own sync.
const KEY = 'low-work-flood-key';
const FLOOD = 1_000_000;
/** The runtime, one 2,000-header reply in flight and 4 bytes per 600 headers: no chain is held. */
const RSS_BOUND_MB = 64;
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const kb = (pid: number, field: 'VmRSS' | 'VmHWM') =>
  Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);

describe.skipIf(SKIP_WITHOUT_GO || process.platform !== 'linux')(
  'the Go relay under a low-work header flood',
  () => {
    beforeAll(() => void goRelayBinary(), 180_000);

    it('weighs 1,000,000 low-work headers without storing them, in flat memory, and is never ready on them', async () => {
      const peer = new ChainPeer(cachedRegtestChain(path.join(os.tmpdir(), 'sprint-chains'), FLOOD));
      const port = await peer.listen();
      cleanups.push(() => peer.close());
      // Regtest headers carry 2 units of work each: 0x1000000 is 8.4 million headers, far past the flood.
      const relay = spawnGoRelay({
        API_KEYS: KEY,
        BITCOIN_NODE: `127.0.0.1:${port}`,
        BITCOIN_NETWORK: 'regtest',
        MINIMUM_CHAIN_WORK: '1000000',
      });
      cleanups.push(() => relay.kill());
      const url = `http://127.0.0.1:${(await relay.ports).healthPort}`;
      const pid = relay.child.pid ?? 0;
      const deadline = Date.now() + 90_000;
      let health: RelayHealth | null = null;
      let readySeen = false;
      while (Date.now() < deadline) {
        health = RelayHealth.parse((await getJson(`${url}/health`)).json);
        readySeen ||= (await request(`${url}/ready`)).status === 200;
        if (health.upstream.sync?.state === 'waiting-upstream') break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(health?.upstream.sync).toMatchObject({
        state: 'waiting-upstream',
        height: 0,
        upstreamHeight: FLOOD,
      });
      expect(readySeen).toBe(false);
      expect(health?.upstream.synced).toBe(false);
      expect((await request(`${url}/ready`)).status).toBe(503);
      const peakMb = kb(pid, 'VmHWM') / 1024;
      expect(peakMb).toBeLessThan(RSS_BOUND_MB);
      // Kept, not punished: a node in its own sync looks exactly like this.
      expect(health?.upstream.peers[0]?.state).toBe(`syncing (height ${FLOOD})`);
      expect(relay.logs.items.some((l) => l.msg === 'upstream peer disconnected')).toBe(false);
      const ended = await relay.logs.find(
        (l) => l.msg === "presync: the peer's chain ends below the minimum chain work; nothing stored",
        'presync verdict',
      );
      expect(ended.height).toBe(FLOOD);
      console.log(
        `1,000,000 low-work headers: RSS peak ${peakMb.toFixed(1)} MB, now ${(kb(pid, 'VmRSS') / 1024).toFixed(1)} MB`,
      );
    }, 120_000);
  },
);
