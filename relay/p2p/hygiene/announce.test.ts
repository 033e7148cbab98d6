import { describe, expect, it } from 'vitest';
import { AnnounceTracker } from './announce';
import { BoundedMap } from '../../util/bounded-map';

describe('AnnounceTracker', () => {
  it('gives the block to the first announcer and measures the others against it', () => {
    const leads: Array<[string, number]> = [];
    const t = new AnnounceTracker((peer, ms) => leads.push([peer, ms]));
    for (let i = 0; i < 5; i++) {
      const at = 10_000 * i;
      expect(t.note('a', `h${i}`, at)).toBe('a');
      expect(t.note('b', `h${i}`, at + 120 + i)).toBe('a');
      expect(t.note('b', `h${i}`, at + 500)).toBe('a'); // a second copy from b is not a new sample
    }
    expect(t.stats('a')).toEqual({ announceLeadMs: 0, firstAnnouncements: 5, announcements: 5 });
    expect(t.stats('b')).toEqual({ announceLeadMs: 122, firstAnnouncements: 0, announcements: 5 });
    expect(leads.filter(([p]) => p === 'b').map(([, ms]) => ms)).toEqual([120, 121, 122, 123, 124]);
    expect(t.stats('nobody').announceLeadMs).toBeNull();
  });

  it('reports the nearest-rank p50 of the leads (an even count takes the lower middle)', () => {
    const t = new AnnounceTracker();
    t.note('a', 'h1', 0);
    t.note('b', 'h1', 10);
    t.note('a', 'h2', 20_000);
    t.note('b', 'h2', 20_020.5);
    expect(t.stats('b').announceLeadMs).toBe(10);
  });

  it('ignores copies far behind the first (a peer catching up, not announcing)', () => {
    const t = new AnnounceTracker();
    t.note('a', 'h', 0);
    t.note('b', 'h', 61_000);
    expect(t.stats('b').announcements).toBe(0);
  });

  it('keeps a bounded window of samples and a bounded set of blocks', () => {
    const t = new AnnounceTracker();
    for (let i = 0; i < 3000; i++) {
      t.note('a', `h${i}`, i);
      t.note('b', `h${i}`, i + (i < 2800 ? 1000 : 10));
    }
    // Only the last 128 samples count: all 10 ms.
    expect(t.stats('b').announceLeadMs).toBe(10);
    expect(t.firstAnnouncer('h0')).toBeNull();
    expect(t.firstAnnouncer('h2999')).toBe('a');
  });
});

describe('BoundedMap', () => {
  it('forgets the oldest entry once full, never the whole map', () => {
    const m = new BoundedMap<string, number>(3);
    for (const [i, k] of ['a', 'b', 'c', 'd'].entries()) m.set(k, i);
    expect(m.size).toBe(3);
    expect(m.has('a')).toBe(false);
    expect(m.get('d')).toBe(3);
    m.set('b', 9); // an update does not evict
    expect(m.size).toBe(3);
    expect(m.evicted).toBe(1);
  });
});
