import { describe, expect, it } from 'vitest';
import { UpstreamSummary } from './relay-status';

describe('UpstreamSummary peers', () => {
  it('keeps the hygiene and lead/lag figures the relay reports', () => {
    const parsed = UpstreamSummary.parse({
      state: 'ready',
      tip: null,
      peers: [
        {
          address: '127.0.0.1:18444',
          state: 'ready',
          rttMs: 1.5,
          misbehaviour: 20,
          bannedUntil: null,
          bans: 2,
          announceLeadMs: 120,
          firstAnnouncements: 7,
          lastDisconnect: { code: 'PING_FLOOD', message: 'pings over the limit', violation: true },
          reconnectInMs: null,
        },
      ],
    });
    expect(parsed.peers[0]).toEqual({
      address: '127.0.0.1:18444',
      state: 'ready',
      rttMs: 1.5,
      misbehaviour: 20,
      bannedUntil: null,
      bans: 2,
      announceLeadMs: 120,
      firstAnnouncements: 7,
      lastDisconnect: { code: 'PING_FLOOD', message: 'pings over the limit' },
    });
  });

  it('drops a malformed optional figure from an external relay instead of the whole upstream', () => {
    const parsed = UpstreamSummary.safeParse({
      state: 'ready',
      tip: null,
      peers: [{ address: 'node:8333', state: 'ready', misbehaviour: 'high', bans: -1 }],
    });
    expect(parsed.success).toBe(true);
    expect(parsed.data?.peers[0]).toEqual({ address: 'node:8333', state: 'ready' });
    expect(
      UpstreamSummary.safeParse({ state: 'ready', tip: null, peers: [{ state: 'ready' }] }).success,
    ).toBe(false);
  });
});
