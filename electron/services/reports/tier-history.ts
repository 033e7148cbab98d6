import type { HistoryEvent } from '../../../shared/metrics';
import { LaunchReport } from '../../../shared/launch';
import type { TierChange, TierTimeline } from './timeline';

/**
 * Which tier ran when, and under which launch plan, from the panel's own history: every attach writes
 * a `measurement-start` event naming its tier and the launch report in effect, and a tier switch a
 * `tier-switch` event naming the tier it went to. Samples say the same for the seconds that have
 * samples; events also cover the seconds that have none (waiting for a block, an SLA test, a crash).
 */

/** Kinds that say which tier is in effect from their instant on. */
export const TIER_START_KINDS = ['measurement-start', 'tier-switch'] as const;

/** The tier an event itself names as now in effect, if it names one. */
export function tierNamedBy(e: HistoryEvent): string | null {
  if (e.kind === 'measurement-start' && typeof e.details.tier === 'string') return e.details.tier;
  if (e.kind === 'tier-switch' && typeof e.details.to === 'string') return e.details.to;
  return null;
}

/**
 * The tier each event happened under: the one it names, else the last named at or before it (the
 * event before the period included), else the samples' timeline.
 */
export function eventTierTimeline(
  events: readonly HistoryEvent[],
  before: HistoryEvent | null,
): TierChange[] {
  const changes: TierChange[] = [];
  for (const e of before ? [before, ...events] : events) {
    const tier = tierNamedBy(e);
    if (tier !== null) changes.push({ at: e.at, tier });
  }
  return changes;
}

/** Unlike the samples' timeline, nothing is assumed before the first named tier. */
function namedTierAt(changes: readonly TierChange[], at: number): string | null {
  let tier: string | null = null;
  for (const c of changes) {
    if (c.at > at) break;
    tier = c.tier;
  }
  return tier;
}

export function tierOfEvent(
  e: HistoryEvent,
  byEvents: readonly TierChange[],
  bySamples: TierTimeline,
): string | null {
  return tierNamedBy(e) ?? namedTierAt(byEvents, e.at) ?? bySamples.tierAt(e.at);
}

export interface LaunchInEffect {
  readonly at: number;
  readonly launch: LaunchReport;
}

/**
 * The launch plans `tier` ran under: each measurement-start of that tier carrying a readable launch
 * report, the one in effect when the period began first. Unreadable or missing reports are skipped.
 */
export function launchPlansOf(
  tier: string,
  events: readonly HistoryEvent[],
  before: HistoryEvent | null,
): LaunchInEffect[] {
  const plans: LaunchInEffect[] = [];
  for (const e of before ? [before, ...events] : events) {
    if (e.kind !== 'measurement-start' || e.details.tier !== tier) continue;
    const launch = LaunchReport.safeParse(e.details.launch);
    if (!launch.success) continue;
    const last = plans.at(-1);
    // A restart under the same plan is the same plan: list it once, from when it began.
    if (last && JSON.stringify(last.launch.items) === JSON.stringify(launch.data.items)) continue;
    plans.push({ at: e.at, launch: launch.data });
  }
  return plans;
}
