import { beforeAll, describe, expect, it } from 'vitest';
import { memoryMb, pollLatency, startHostilePeer } from './hostile-peer/harness';
import { goRelayBinary, SKIP_WITHOUT_GO, spawnGoRelay } from './support/go-relay';

/**
 * The Go relay against the hostile peer's floods (test/hostile-peer shares no code with either relay):
 * whatever it does with the flooder, its memory stays bounded and its API keeps answering. It has no
 * misbehaviour scoring or bans (the TypeScript relay's floods.int.test.ts asserts those): it answers
 * only pings (a peer that never reads the pongs is dropped when a write times out), serves no
 * getheaders, and reads past transactions and commands it does not know.
 */
const KEY = 'hostile-flood-key';
const MAX_GROWTH_MB = 64;
const MAX_API_P99_MS = 500;

async function floodGoRelay(attack: string) {
  const peer = await startHostilePeer([
    '--attack',
    attack,
    '--chain',
    '4000',
    '--seconds',
    '4',
    '--delay',
    '600',
  ]);
  const relay = spawnGoRelay({ API_KEYS: KEY, BITCOIN_NODE: `127.0.0.1:${peer.port}` });
  try {
    const { apiPort } = await relay.ports;
    const pid = relay.child.pid ?? 0;
    const poll = pollLatency(`http://127.0.0.1:${apiPort}/v1/btc/status`, { 'x-api-key': KEY });
    await peer.stdout.find((e) => e.event === 'synced', 'the Go relay synced the 4,000-header chain', 20_000);
    const before = memoryMb(pid);
    poll.mark();
    await peer.stdout.find((e) => e.event === 'attack-started', 'the attack');
    // The flood ends by itself (--seconds 4) or the relay drops the peer (a write that timed out).
    await Promise.race([
      peer.stdout.find((e) => e.event === 'attack-done', `${attack} to finish`, 15_000),
      relay.logs.find((l) => l.msg === 'dropping upstream peer', 'a drop', 15_000),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const api = poll.stop();
    const peak = memoryMb(pid);
    const figures = { attack, peakGrowthMb: Math.round((peak.hwm - before.rss) * 10) / 10, api };
    console.info(JSON.stringify(figures));
    expect(figures.peakGrowthMb, attack).toBeLessThanOrEqual(MAX_GROWTH_MB);
    expect(api.n, attack).toBeGreaterThan(5);
    expect(api.p99, attack).toBeLessThan(MAX_API_P99_MS);
    expect(relay.child.exitCode, relay.stderr.join('\n')).toBeNull();
  } finally {
    await relay.kill();
    await peer.stop();
  }
}

describe.skipIf(SKIP_WITHOUT_GO)('the Go relay under hostile-peer floods', () => {
  beforeAll(() => void goRelayBinary(), 180_000);

  for (const attack of [
    'getheaders-unread',
    'ping-flood',
    'inv-flood',
    'unknown-flood',
    'tx-flood',
    'side-chains',
  ]) {
    it(`${attack}: memory bounded, the API answering`, { timeout: 40_000 }, async () => {
      await floodGoRelay(attack);
    });
  }
});
