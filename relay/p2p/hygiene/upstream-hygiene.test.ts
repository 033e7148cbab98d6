import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../util/log';
import type { DisconnectReason, Peer } from '../peer';
import { DEFAULT_HYGIENE, type HygieneConfig } from './config';
import { MisbehaviourScore } from './violations';
import { UpstreamHygiene } from './upstream-hygiene';

const config: HygieneConfig = {
  ...DEFAULT_HYGIENE,
  banBaseMs: 1000,
  banMaxMs: 4000,
  reconnectBaseMs: 100,
  reconnectMaxMs: 800,
  goodPeerMs: 5000,
};

/** The few Peer fields the hygiene reads; the real Peer needs a socket. */
function fakePeer(overrides: { state?: string; rttMs?: number | null; score?: number } = {}): Peer {
  const misbehaviour = new MisbehaviourScore(100);
  if (overrides.score) misbehaviour.add({ code: 'PING_FLOOD', points: overrides.score, message: 'x' });
  return {
    address: '127.0.0.1:9',
    state: overrides.state ?? 'ready',
    rttMs: overrides.rttMs === undefined ? 3 : overrides.rttMs,
    ignoredCommands: 0,
    guard: { misbehaviour, limits: { unknownCommands: 0 } },
  } as unknown as Peer;
}

const closed: DisconnectReason = { code: 'PEER_CLOSED', message: 'connection closed', violation: false };
const violated: DisconnectReason = { code: 'BAD_MAGIC', message: 'got 00000000', violation: true };

function setup() {
  const lines: Array<Record<string, unknown>> = [];
  const events: string[] = [];
  const log = createLogger({
    level: 'debug',
    write: (l) => lines.push(JSON.parse(l) as Record<string, unknown>),
  });
  const hygiene = new UpstreamHygiene(config, log, {
    disconnect: (r) => events.push(`disconnect:${r}`),
    ban: (r) => events.push(`ban:${r}`),
    announceLead: () => undefined,
  });
  return { hygiene, lines, events };
}

describe('UpstreamHygiene', () => {
  afterEach(() => vi.useRealTimers());

  it('backs off a peer that keeps closing, however often its handshake succeeds', () => {
    const { hygiene, events } = setup();
    const delays = Array.from({ length: 5 }, () => {
      const peer = fakePeer();
      hygiene.onReady(peer);
      return hygiene.onClose(peer, closed, true);
    });
    expect(delays).toEqual([100, 200, 400, 800, 800]);
    expect(events.filter((e) => e.startsWith('ban'))).toEqual([]);
  });

  it('bans a violator for the longer of ban and backoff, doubling, and reports it per peer', () => {
    const { hygiene, lines, events } = setup();
    const delays = Array.from({ length: 4 }, () => hygiene.onClose(fakePeer({ score: 100 }), violated, true));
    expect(delays).toEqual([1000, 2000, 4000, 4000]);
    expect(events).toContain('ban:BAD_MAGIC');
    expect(lines.filter((l) => l.message === 'peer banned').map((l) => l.banMs)).toEqual([
      1000, 2000, 4000, 4000,
    ]);
    const fields = hygiene.fields('127.0.0.1:9', null);
    expect(fields).toMatchObject({ bans: 4, misbehaviour: 100 });
    expect(fields.bannedUntil).toBeGreaterThan(Date.now());
  });

  it('resets the backoff only for a peer that stayed, answered a ping and did not misbehave', () => {
    vi.useFakeTimers();
    const { hygiene } = setup();
    const grow = (): void => {
      for (let i = 0; i < 3; i++) hygiene.onClose(fakePeer(), closed, true);
    };
    grow();
    const good = fakePeer();
    hygiene.onReady(good);
    vi.advanceTimersByTime(config.goodPeerMs);
    expect(hygiene.onClose(good, closed, true)).toBe(100);

    for (const peer of [
      fakePeer({ rttMs: null }),
      fakePeer({ score: 10 }),
      fakePeer({ state: 'disconnected' }),
    ]) {
      grow();
      hygiene.onReady(peer);
      vi.advanceTimersByTime(config.goodPeerMs);
      expect(hygiene.onClose(peer, closed, true)).toBe(800);
      hygiene.onReady(good);
      vi.advanceTimersByTime(config.goodPeerMs);
      hygiene.onClose(good, closed, true);
    }
  });
});
