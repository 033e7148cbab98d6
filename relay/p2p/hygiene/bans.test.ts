import { describe, expect, it } from 'vitest';
import { BanList } from './bans';
import { DEFAULT_HYGIENE, HygieneConfigError, parseHygiene } from './config';

describe('BanList', () => {
  it('doubles each ban of the same address up to the cap, and keeps addresses apart', () => {
    const bans = new BanList({ banBaseMs: 100, banMaxMs: 1000 });
    const t = 5_000;
    const durations = Array.from({ length: 6 }, () => bans.ban('127.0.0.1:1', 'BAD_POW', t).durationMs);
    expect(durations).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(bans.get('127.0.0.1:1')).toMatchObject({ bans: 6, bannedUntil: t + 1000, lastReason: 'BAD_POW' });
    expect(bans.get('127.0.0.1:2')).toEqual({ bans: 0, bannedUntil: null, lastReason: null });
    expect(bans.ban('127.0.0.1:2', 'INV_FLOOD', t).durationMs).toBe(100);
  });

  it('remembers at most 1,024 addresses, forgetting the least recently banned', () => {
    const bans = new BanList({ banBaseMs: 10, banMaxMs: 10 });
    for (let i = 0; i < 1100; i++) bans.ban(`10.0.0.1:${i}`, 'X');
    expect(bans.size).toBe(1024);
    expect(bans.get('10.0.0.1:0').bans).toBe(0);
    expect(bans.get('10.0.0.1:1099').bans).toBe(1);
  });
});

describe('parseHygiene', () => {
  it('uses production defaults when unset or empty', () => {
    expect(parseHygiene({})).toEqual(DEFAULT_HYGIENE);
    expect(parseHygiene({ P2P_BAN_BASE_MS: '' })).toEqual(DEFAULT_HYGIENE);
    expect(DEFAULT_HYGIENE.banBaseMs).toBe(60_000);
    expect(DEFAULT_HYGIENE.goodPeerMs).toBe(30_000);
  });

  it('takes overrides and names the variable of a bad one', () => {
    expect(parseHygiene({ P2P_BAN_BASE_MS: '50', P2P_BAN_MAX_MS: '400' })).toMatchObject({
      banBaseMs: 50,
      banMaxMs: 400,
    });
    expect(() => parseHygiene({ P2P_SEND_BUFFER_BYTES: '1e6' })).toThrow(HygieneConfigError);
    expect(() => parseHygiene({ P2P_SEND_BUFFER_BYTES: '0' })).toThrow(/P2P_SEND_BUFFER_BYTES/);
    expect(() => parseHygiene({ P2P_SEND_BUFFER_BYTES: '1000' })).toThrow(/≥ 65536/);
    expect(() => parseHygiene({ P2P_BAN_BASE_MS: '500', P2P_BAN_MAX_MS: '100' })).toThrow(/P2P_BAN_MAX_MS/);
  });
});
