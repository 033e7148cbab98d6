import { describe, expect, it } from 'vitest';
import type { BlockRelayed, HistoryEvent } from '../../../shared/metrics';
import { historyReportSource, type HistoryReads } from './history-source';
import type { RawSample } from './source';

/** A stand-in with the store's read semantics: t >= from, t < to, ordered by (t, rowid), paged. */
function fakeStore(rows: readonly RawSample[]): HistoryReads & { calls: number } {
  const fake = {
    calls: 0,
    countSamples: (from: number, to: number) => rows.filter((r) => r.t >= from && r.t < to).length,
    *iterateSamples(from: number, to: number, pageSize: number) {
      fake.calls++;
      const all = rows.filter((r) => r.t >= from && r.t < to);
      for (let i = 0; i < all.length; i += pageSize) yield all.slice(i, i + pageSize);
    },
    blocks: (): BlockRelayed[] => [],
    events: (): HistoryEvent[] => [],
    lastEventBefore: (): HistoryEvent | null => null,
  };
  return fake as unknown as HistoryReads & { calls: number };
}

async function collect(rows: readonly RawSample[], from: number, to: number, pageSize: number) {
  const pages: (readonly RawSample[])[] = [];
  for await (const page of historyReportSource(fakeStore(rows)).iterateSamples({ from, to }, pageSize))
    pages.push(page);
  return pages;
}

const row = (t: number, i: number): RawSample => ({ t, latencyMs: i, ok: true, tier: 'pro' });

describe('historyReportSource paging', () => {
  it('yields every row once, in order, in pages of the asked size', async () => {
    const rows = Array.from({ length: 23 }, (_, i) => row(1000 + i * 10, i));
    const pages = await collect(rows, 1000, 2000, 5);
    expect(pages.map((p) => p.length)).toEqual([5, 5, 5, 5, 3]);
    expect(pages.flat()).toEqual(rows);
  });

  it('is exact when many rows share one t across page boundaries', async () => {
    const rows = [
      row(1, 0),
      ...Array.from({ length: 12 }, (_, i) => row(5, i + 1)),
      row(6, 13),
      row(6, 14),
      row(9, 15),
    ];
    const pages = await collect(rows, 0, 10, 4);
    expect(pages.flat()).toEqual(rows);
    expect(pages.every((p) => p.length <= 4)).toBe(true);
  });

  it('respects the half-open range and an exact multiple of the page size', async () => {
    const rows = Array.from({ length: 10 }, (_, i) => row(i, i));
    expect((await collect(rows, 2, 8, 3)).flat()).toEqual(rows.slice(2, 8));
    expect(await collect(rows, 20, 30, 3)).toEqual([]);
  });
});
