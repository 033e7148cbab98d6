import type { HistoryEvent } from '../../../shared/metrics';
import {
  REPORT_LIST_CAP,
  type BreachSpan,
  type ReportEvent,
  type ReportSummary,
} from '../../../shared/report';
import type { TierName } from '../../../shared/tiers';
import type { TimeRange } from './source';
import type { TierTimeline } from './timeline';

/**
 * Breaches, restarts and the event timeline of a report, from the history's events. A breach is the
 * panel's own record, not recomputed here: the measurement service writes `sla-breach` when a live
 * window's verdict turns to fail and `sla-recovered` when it leaves fail, each naming its window
 * (15m, 1h, 24h). So the report says exactly what the panel said at the time, and lists every span
 * with its start and end so it can be checked against the samples.
 */

export const BREACH_KINDS = ['sla-breach', 'sla-recovered'] as const;
/** The window the panel notifies on (notifications follow the 15-minute verdict): the headline. */
export const HEADLINE_WINDOW = '15m';

const RESTART_KINDS = {
  'relay-restart': 'relayRestarts',
  'relay-crash': 'relayCrashes',
  'probe-restart': 'probeRestarts',
  'probe-crash': 'probeCrashes',
} as const satisfies Record<string, keyof ReportSummary['restarts']>;

function isRestartKind(kind: string): kind is keyof typeof RESTART_KINDS {
  return Object.hasOwn(RESTART_KINDS, kind);
}

export function windowOf(e: HistoryEvent): string {
  const w = e.details.window;
  return typeof w === 'string' ? w : 'any';
}

/**
 * Pairs breach and recovery events into spans, per window. Within a window: a repeated breach while
 * open extends nothing, a recovery with nothing open is ignored. A breach still open at the period's
 * end is cut there (`open`); one open when the tier changes ends at the change, because the panel
 * restarts its windows under a new tier and never records that recovery. `openAtStart` names the
 * windows already in breach when the period began.
 */
export function breachSpans(
  events: readonly HistoryEvent[],
  openAtStart: ReadonlySet<string>,
  range: TimeRange,
  timeline: TierTimeline,
): BreachSpan[] {
  const spans: BreachSpan[] = [];
  const opened = new Map<string, number>([...openAtStart].map((w) => [w, range.from]));
  const close = (window: string, to: number, open: boolean) => {
    const from = opened.get(window);
    if (from === undefined) return;
    const change = timeline.nextChangeAfter(from);
    const end = change !== null && change < to ? change : to;
    spans.push({ window, from, to: end, durationMs: end - from, open: open && end === to });
    opened.delete(window);
  };
  for (const e of events) {
    const window = windowOf(e);
    if (e.kind === 'sla-breach') {
      // A breach under a new tier while the old tier's was never recovered: the old one ended at
      // the change (close cuts it there) and this one starts afresh.
      const from = opened.get(window);
      const change = from === undefined ? null : timeline.nextChangeAfter(from);
      if (change !== null && change <= e.at) close(window, e.at, false);
      if (!opened.has(window)) opened.set(window, e.at);
    } else if (e.kind === 'sla-recovered') close(window, e.at, false);
  }
  for (const window of [...opened.keys()]) close(window, range.to, true);
  return spans.sort((a, b) => a.from - b.from || a.window.localeCompare(b.window));
}

/**
 * Which windows were in breach when the period began: the latest breach event of each window before
 * it. The store filters by kind only, so this walks back one event at a time until every window of
 * interest is settled (breach events are rare: a handful of reads), bounded for a long-idle history.
 */
export async function windowsOpenAt(
  at: number,
  lastEventBefore: (at: number, kinds: readonly string[]) => Promise<HistoryEvent | null>,
  windows: readonly string[] = ['15m', '1h', '24h'],
  maxSteps = 200,
): Promise<Set<string>> {
  const settled = new Set<string>();
  const open = new Set<string>();
  let before = at;
  for (let i = 0; i < maxSteps && settled.size < windows.length; i++) {
    const e = await lastEventBefore(before, BREACH_KINDS);
    if (e === null) break;
    const window = windowOf(e);
    if (!settled.has(window)) {
      settled.add(window);
      if (e.kind === 'sla-breach') open.add(window);
    }
    before = e.at;
  }
  return open;
}

function byWindow(spans: readonly BreachSpan[]): ReportSummary['breaches']['byWindow'] {
  const out = new Map<string, { window: string; count: number; totalMs: number; longestMs: number | null }>();
  for (const s of spans) {
    const w = out.get(s.window) ?? { window: s.window, count: 0, totalMs: 0, longestMs: null };
    w.count++;
    w.totalMs += s.durationMs;
    w.longestMs = Math.max(w.longestMs ?? 0, s.durationMs);
    out.set(s.window, w);
  }
  return [...out.values()].sort((a, b) => windowMs(a.window) - windowMs(b.window));
}

/** "15m" → 900000, for ordering windows by length; unknown names last. */
function windowMs(w: string): number {
  const m = /^(\d+)([smhd])$/.exec(w);
  const unit = { s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7 } as const;
  return m ? Number(m[1]) * unit[m[2] as keyof typeof unit] : Infinity;
}

export function summarizeEvents(
  events: readonly HistoryEvent[],
  openAtStart: ReadonlySet<string>,
  range: TimeRange,
  timeline: TierTimeline,
  tier: TierName,
  tierOf: (e: HistoryEvent) => string | null = (e) => timeline.tierAt(e.at),
): Pick<ReportSummary, 'breaches' | 'restarts' | 'events'> {
  const mine = breachSpans(events, openAtStart, range, timeline).filter(
    (s) => timeline.tierAt(s.from) === tier,
  );
  const headline = mine.filter((s) => s.window === HEADLINE_WINDOW);
  let longest: BreachSpan | null = null;
  let totalMs = 0;
  for (const s of headline) {
    totalMs += s.durationMs;
    if (longest === null || s.durationMs > longest.durationMs) longest = s;
  }
  const restarts = { relayRestarts: 0, relayCrashes: 0, probeRestarts: 0, probeCrashes: 0 };
  const list: ReportEvent[] = [];
  let listed = 0;
  for (const e of events) {
    const at = tierOf(e);
    if (at !== tier) continue;
    if (isRestartKind(e.kind)) restarts[RESTART_KINDS[e.kind]]++;
    // Only this tier's events: the switch into it is one of them (it names this tier).
    listed++;
    if (list.length < REPORT_LIST_CAP) list.push({ ...e, tier: at });
  }
  return {
    breaches: {
      window: HEADLINE_WINDOW,
      count: headline.length,
      totalMs,
      longest,
      byWindow: byWindow(mine),
      spans: mine.slice(0, REPORT_LIST_CAP),
      truncated: mine.length > REPORT_LIST_CAP,
    },
    restarts,
    events: { list, truncated: listed > REPORT_LIST_CAP },
  };
}
