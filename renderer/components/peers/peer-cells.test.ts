import { describe, expect, it } from 'vitest';
import { banState, formatLead, misbehaviourTone } from './peer-cells';

const peer = { address: '127.0.0.1:18444', state: 'ready' };

describe('peer table cells', () => {
  it('shows the first announcer as first, a lagging one with its lag, none without samples', () => {
    expect(formatLead(0)).toBe('first');
    expect(formatLead(120.5)).toBe('+121\u00a0ms');
    expect(formatLead(4.2)).toBe('+4.20\u00a0ms');
    expect(formatLead(null)).toBe('—');
    expect(formatLead(undefined)).toBe('—');
  });

  it('says banned with the time left only while the ban runs, and counts past bans', () => {
    const now = 1_000_000;
    expect(banState({ ...peer, bans: 2, bannedUntil: now + 90_000 }, now)).toEqual({
      text: 'banned 1 min 30 s (2 bans)',
      tone: 'bad',
    });
    expect(banState({ ...peer, bans: 1, bannedUntil: now - 1 }, now)).toEqual({
      text: '1 ban',
      tone: 'warn',
    });
    expect(banState(peer, now)).toEqual({ text: 'none', tone: 'ok' });
  });

  it('tints misbehaviour by how close it is to the drop threshold', () => {
    expect(misbehaviourTone(0)).toBe('ok');
    expect(misbehaviourTone(undefined)).toBe('ok');
    expect(misbehaviourTone(10)).toBe('warn');
    expect(misbehaviourTone(60)).toBe('bad');
  });
});
