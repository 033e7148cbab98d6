import { create } from 'zustand';
import type { LogLevel, LogLine, TimelineEntry } from '../../shared/logs';
import type { ApiClient } from '../api/client';
import { errorText } from '../lib/error-text';

/** Lines and timeline entries kept in memory; older ones are in relay.log on disk. */
export const MAX_LINES = 2000;
export const MAX_TIMELINE = 500;
const TAIL_LIMIT = 1000;

export const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'fatal'];

export interface LogFilter {
  /** Lowest level shown. */
  minLevel: LogLevel;
  /** Sources shown; empty means all. */
  sources: string[];
  /** Case-insensitive text searched in the message and fields. */
  query: string;
}

const lineKey = (l: LogLine) => `${l.at}|${l.source}|${l.stream}|${l.message}`;
const entryKey = (e: TimelineEntry) => `${e.at}|${e.source}|${e.kind}|${e.summary}`;

/** Merges two runs of time-stamped items: no duplicates, time order, the newest `limit` kept. */
export function mergeByTime<T extends { at: number }>(
  existing: readonly T[],
  incoming: readonly T[],
  key: (item: T) => string,
  limit: number,
): T[] {
  const seen = new Set<string>();
  const all: T[] = [];
  for (const item of [...existing, ...incoming]) {
    const k = key(item);
    if (seen.has(k)) continue;
    seen.add(k);
    all.push(item);
  }
  all.sort((a, b) => a.at - b.at);
  return all.length > limit ? all.slice(-limit) : all;
}

/** Appends one live item; cheap for the common case of an item newer than everything kept. */
export function appendByTime<T extends { at: number }>(
  existing: readonly T[],
  item: T,
  key: (item: T) => string,
  limit: number,
): T[] {
  const last = existing[existing.length - 1];
  if (last && item.at < last.at) return mergeByTime(existing, [item], key, limit);
  const next = existing.length >= limit ? existing.slice(existing.length - limit + 1) : existing.slice();
  next.push(item);
  return next;
}

function searchable(line: LogLine): string {
  return (line.fields ? `${line.message} ${JSON.stringify(line.fields)}` : line.message).toLowerCase();
}

export function filterLines(lines: readonly LogLine[], filter: LogFilter): LogLine[] {
  const min = LEVELS.indexOf(filter.minLevel);
  const query = filter.query.trim().toLowerCase();
  return lines.filter(
    (line) =>
      LEVELS.indexOf(line.level) >= min &&
      (filter.sources.length === 0 || filter.sources.includes(line.source)) &&
      (query === '' || searchable(line).includes(query)),
  );
}

export interface LogsState {
  lines: LogLine[];
  timeline: TimelineEntry[];
  loaded: boolean;
  loading: boolean;
  error: string | null;
  filter: LogFilter;
  /** logs.tail, merged with whatever arrived live meanwhile. */
  load(): Promise<void>;
  setFilter(patch: Partial<LogFilter>): void;
}

export function createLogsStore(api: ApiClient) {
  const store = create<LogsState>((set, get) => ({
    lines: [],
    timeline: [],
    loaded: false,
    loading: false,
    error: null,
    filter: { minLevel: 'info', sources: [], query: '' },
    async load() {
      if (get().loading) return;
      set({ loading: true, error: null });
      try {
        const tail = await api.call('logs.tail', { limit: TAIL_LIMIT });
        set((state) => ({
          lines: mergeByTime(state.lines, tail.lines, lineKey, MAX_LINES),
          timeline: mergeByTime(state.timeline, tail.timeline, entryKey, MAX_TIMELINE),
          loaded: true,
        }));
      } catch (error) {
        set({ error: errorText(error) });
      } finally {
        set({ loading: false });
      }
    },
    setFilter: (patch) => set((state) => ({ filter: { ...state.filter, ...patch } })),
  }));
  // Lines can arrive in bursts (a crash dumps its stderr): fold them in at most every 200 ms.
  let lineBuffer: LogLine[] = [];
  let flushTimer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    flushTimer = null;
    const batch = lineBuffer;
    lineBuffer = [];
    store.setState((state) => ({
      lines: batch.reduce((lines, line) => appendByTime(lines, line, lineKey, MAX_LINES), state.lines),
    }));
  };
  api.on('log.line', (line) => {
    lineBuffer.push(line);
    flushTimer ??= setTimeout(flush, 200);
  });
  api.on('supervisor.event', (entry) =>
    store.setState((state) => ({ timeline: appendByTime(state.timeline, entry, entryKey, MAX_TIMELINE) })),
  );
  return store;
}
