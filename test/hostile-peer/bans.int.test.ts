import { afterEach, describe, expect, it } from 'vitest';
import { RelayHealth } from '../../shared/relay-contract';
import { getJson, request } from '../../relay/test-support/clients';
import { type RelayProcess, startRelay } from '../../relay/test-support/processes';
import { type HostilePeer, startHostilePeer } from './harness';

const KEY = 'hostile-ban-key';
let peer: HostilePeer | undefined;
let relay: RelayProcess | undefined;

afterEach(async () => {
  await Promise.all([relay?.stop(), peer?.stop()]);
  relay = undefined;
  peer = undefined;
});

/** Starts the peer and a relay pointed at it; resolves the gaps between close and the next connect. */
async function reconnectGaps(args: string[], env: Record<string, string>, connections: number) {
  peer = await startHostilePeer(args);
  relay = await startRelay({ API_KEYS: KEY, BITCOIN_NODE: `127.0.0.1:${peer.port}`, ...env });
  await peer.stdout.until(
    (events) => events.filter((e) => e.event === 'connected').length >= connections,
    `${connections} connections`,
    15_000,
  );
  const at = (event: string): number[] =>
    peer?.stdout.items.filter((e) => e.event === event).map((e) => Number(e.at)) ?? [];
  const connected = at('connected');
  const closed = at('closed');
  return connected.slice(1, connections).map((c, i) => c - (closed[i] ?? NaN));
}

describe('bans and reconnect backoff', () => {
  it('bans a repeat offender with doubling delays up to the cap, and says so in logs, /health and /metrics', async () => {
    const gaps = await reconnectGaps(
      ['--attack', 'bad-checksum', '--chain', '10'],
      { P2P_BAN_BASE_MS: '200', P2P_BAN_MAX_MS: '1600', P2P_RECONNECT_BASE_MS: '20' },
      6,
    );
    console.info(`ban gaps (ms): ${gaps.join(', ')}`);
    const expected = [200, 400, 800, 1600, 1600];
    gaps.forEach((gap, i) => {
      const want = expected[i] ?? 0;
      // Never early; late only by what a busy machine adds to a timer and a reconnect.
      expect(gap, `gap ${i}`).toBeGreaterThanOrEqual(want - 5);
      expect(gap, `gap ${i}`).toBeLessThan(want + 400);
    });
    const bans = relay?.logs.items.filter((l) => l.message === 'peer banned') ?? [];
    expect(bans.length).toBeGreaterThanOrEqual(5);
    expect(bans.slice(0, 5).map((b) => b.banMs)).toEqual(expected);
    expect(bans[0]).toMatchObject({ level: 'warn', code: 'BAD_CHECKSUM', bans: 1 });
    // A protocol violation scores the whole threshold at once, as Core's Misbehaving(100).
    const drop = relay?.logs.items.find((l) => l.message === 'peer dropped');
    expect(drop).toMatchObject({ code: 'BAD_CHECKSUM', misbehaviour: 100, violations: { BAD_CHECKSUM: 1 } });
    const metrics = (await request(`${relay?.healthPortUrl}/metrics`)).body;
    const banned = /bitcoin_sprint_peer_bans_total\{reason="BAD_CHECKSUM"\} (\d+)/.exec(metrics);
    expect(Number(banned?.[1])).toBeGreaterThanOrEqual(5);
    const health = RelayHealth.parse((await getJson(`${relay?.healthPortUrl}/health`)).json);
    expect(Number(health.upstream.peers[0]?.bans)).toBeGreaterThanOrEqual(5);
  });

  it('does not reset the reconnect backoff at the handshake for a peer that keeps hanging up', async () => {
    const gaps = await reconnectGaps(
      ['--attack', 'hangup', '--after', '0'],
      { P2P_RECONNECT_BASE_MS: '50', P2P_RECONNECT_MAX_MS: '800' },
      6,
    );
    console.info(`flapping peer gaps (ms): ${gaps.join(', ')}`);
    [50, 100, 200, 400, 800].forEach((want, i) => {
      expect(gaps[i], `gap ${i}`).toBeGreaterThanOrEqual(want - 5);
      expect(gaps[i], `gap ${i}`).toBeLessThan(want + 400);
    });
    // Hanging up is not a violation: no bans.
    expect(relay?.logs.items.filter((l) => l.message === 'peer banned')).toEqual([]);
  });

  it('resets it once the peer stayed connected, answered and behaved for P2P_GOOD_PEER_MS', async () => {
    const gaps = await reconnectGaps(
      ['--attack', 'hangup', '--after', '500'],
      { P2P_RECONNECT_BASE_MS: '50', P2P_RECONNECT_MAX_MS: '800', P2P_GOOD_PEER_MS: '250' },
      5,
    );
    console.info(`good peer gaps (ms): ${gaps.join(', ')}`);
    for (const gap of gaps) expect(gap).toBeLessThan(50 + 300);
  });
});
