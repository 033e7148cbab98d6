import { setImmediate as nextTurn } from 'node:timers/promises';
import type { SampleSource } from '../../../shared/metrics';
import type { HistoryStore } from '../history/history-store';
import type { RawSample, ReportSource, TimeRange } from './source';

/**
 * ReportSource over the history store's own reads (HistoryStore.countSamples, iterateSamples,
 * blocks, events, lastEventBefore): same connection, same file, the store owns the schema.
 *
 * The store is synchronous (node:sqlite), so between pages this yields a full event-loop turn: a
 * day-long export never holds the main process for more than one page, and the store's
 * once-a-second flush keeps running meanwhile. Rows flushed during an export with t inside the
 * range are picked up; the export clamps progress to the count taken at its start.
 */
export type HistoryReads = Pick<
  HistoryStore,
  'countSamples' | 'iterateSamples' | 'blocks' | 'events' | 'lastEventBefore'
>;

/** Live probing only unless `includeSlaTest`: an SLA test's runs are their own record. */
export function historyReportSource(
  store: HistoryReads,
  options: { readonly includeSlaTest?: boolean } = {},
): ReportSource {
  const sources: readonly SampleSource[] = options.includeSlaTest ? ['live', 'sla-test'] : ['live'];
  return {
    countSamples: async ({ from, to }: TimeRange) => store.countSamples(from, to, sources),
    iterateSamples: (range: TimeRange, pageSize: number) => pages(store, range, pageSize, sources),
    blocks: async ({ from, to }: TimeRange) => store.blocks(from, to),
    events: async ({ from, to }: TimeRange) => store.events(from, to),
    lastEventBefore: async (at: number, kinds: readonly string[]) => store.lastEventBefore(at, kinds),
  };
}

/** The first page of one iterateSamples call; the generator is closed at once. */
function firstPage(
  store: HistoryReads,
  from: number,
  to: number,
  size: number,
  sources: readonly SampleSource[],
): readonly RawSample[] {
  const it = store.iterateSamples(from, to, size, sources);
  try {
    const next = it.next();
    return next.done ? [] : next.value;
  } finally {
    it.return(undefined);
  }
}

/**
 * Keyset paging from outside the store: each page is a fresh read starting AT the last t seen, so
 * SQLite's index range begins there. (The store's own generator keeps `t >= from` as its range and
 * filters the rest, which rescans every earlier row on each page: quadratic, about 7 s for a day at
 * 10 Hz against 1 s this way.) Rows sharing the last t are ordered by rowid, so skipping as many as
 * were already yielded is exact; fetching `size + skip` guarantees progress however many share it.
 */
async function* pages(
  store: HistoryReads,
  range: TimeRange,
  size: number,
  sources: readonly SampleSource[],
): AsyncGenerator<readonly RawSample[]> {
  let from = range.from;
  let skip = 0;
  for (;;) {
    const fetched = firstPage(store, from, range.to, size + skip, sources);
    const page = fetched.slice(skip);
    if (page.length > 0) yield page;
    if (fetched.length < size + skip) return;
    const lastT = fetched[fetched.length - 1]?.t ?? from;
    skip = fetched.filter((s) => s.t === lastT).length;
    from = lastT;
    await nextTurn();
  }
}
