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
 * live monitor's own record (an `sla-breach` event until the next `sla-recovered`), not recomputed
 * here, so the report says exactly what the panel said at the time; every span is listed with its
 * start and end so it can be checked against the samples.
 */

export const BREACH_KINDS = ['sla-breach', 'sla-recovered'] as const;

const RESTART_KINDS = {
  'relay-restart': 'relayRestarts',
  'relay-crash': 'relayCrashes',
  'probe-restart': 'probeRestarts',
  'probe-crash': 'probeCrashes',
} as const satisfies Record<string, keyof ReportSummary['restarts']>;

function isRestartKind(kind: string): kind is keyof typeof RESTART_KINDS {
  return Object.hasOwn(RESTART_KINDS, kind);
}

/**
 * Pairs breach and recovery events into spans. One breach state at a time: a repeated `sla-breach`
 * while open extends nothing, a recovery with nothing open is ignored. A breach still open at the
 * period's end is cut there (`open`), and one open when the tier changes ends at the change: from then
 * on the samples answer to another target. `openAtStart` is a breach already open when the period began.
 */
export function breachSpans(
  events: readonly HistoryEvent[],
  openAtStart: boolean,
  range: TimeRange,
  timeline: TierTimeline,
): BreachSpan[] {
  const spans: BreachSpan[] = [];
  let openedAt: number | null = openAtStart ? range.from : null;
  const close = (to: number, open: boolean) => {
    if (openedAt === null) return;
    const change = timeline.nextChangeAfter(openedAt);
    const end = change !== null && change < to ? change : to;
    spans.push({ from: openedAt, to: end, durationMs: end - openedAt, open: open && end === to });
    openedAt = null;
  };
  for (const e of events) {
    if (e.kind === 'sla-breach') {
      // A breach reported under a new tier while the old tier's was never recovered: the old one
      // ended at the change (close cuts it there) and this one starts afresh.
      const change = openedAt === null ? null : timeline.nextChangeAfter(openedAt);
      if (change !== null && change <= e.at) close(e.at, false);
      openedAt ??= e.at;
    } else if (e.kind === 'sla-recovered') close(e.at, false);
  }
  close(range.to, true);
  return spans;
}

export function summarizeEvents(
  events: readonly HistoryEvent[],
  openAtStart: boolean,
  range: TimeRange,
  timeline: TierTimeline,
  tier: TierName,
): Pick<ReportSummary, 'breaches' | 'restarts' | 'events'> {
  const mine = breachSpans(events, openAtStart, range, timeline).filter(
    (s) => timeline.tierAt(s.from) === tier,
  );
  let longest: BreachSpan | null = null;
  let totalMs = 0;
  for (const s of mine) {
    totalMs += s.durationMs;
    if (longest === null || s.durationMs > longest.durationMs) longest = s;
  }
  const restarts = { relayRestarts: 0, relayCrashes: 0, probeRestarts: 0, probeCrashes: 0 };
  const list: ReportEvent[] = [];
  for (const e of events) {
    const at = timeline.tierAt(e.at);
    if (at === tier && isRestartKind(e.kind)) restarts[RESTART_KINDS[e.kind]]++;
    // Every tier's events are listed (a tier switch is context an auditor needs); counts are this tier's.
    if (list.length < REPORT_LIST_CAP) list.push({ ...e, tier: at });
  }
  return {
    breaches: {
      count: mine.length,
      totalMs,
      longest,
      spans: mine.slice(0, REPORT_LIST_CAP),
      truncated: mine.length > REPORT_LIST_CAP,
    },
    restarts,
    events: { list, truncated: events.length > REPORT_LIST_CAP },
  };
}

/** Whether the latest breach-related event before the period opened a breach still running at its start. */
export function breachOpenAt(last: HistoryEvent | null): boolean {
  return last?.kind === 'sla-breach';
}
