import type { BlockRelayed, HistoryEvent } from '../../../shared/metrics';
import type { LaunchReport } from '../../../shared/launch';
import type { MachineInfo, ReportRequest, ReportSummary } from '../../../shared/report';
import { CONFIDENCE } from '../../../shared/sla';
import { summarizeSla } from '../../../shared/verdict';
import { SlaTestResult } from '../../../shared/sla-test';
import { TuneResult } from '../../../shared/tuning';
import { tierSpec } from '../../../shared/tiers';
import { summarizeBlocks } from './blocks';
import { summarizeEvents, windowsOpenAt } from './events';
import { SampleScan, type ScanResult } from './scan';
import { eventTierTimeline, launchPlansOf, tierOfEvent } from './tier-history';
import type { ReportSource, TimeRange } from './source';

/** Builds a report's summary: the sample pass (SampleScan) plus blocks, events and context. */

export interface ReportContext {
  /**
   * The relay's current launch report; used only when history records no plan for the report's tier
   * and the current one is of that tier (a history written before plans were recorded).
   */
  readonly launch: LaunchReport | null;
  readonly relayVersion: string;
  /** The active deployment profile, if any. */
  readonly profile?: string | null;
  readonly machine: MachineInfo;
  /** The probe's timeout (the floor of a failed sample's latency); stated in the report. */
  readonly probeTimeoutMs: number;
  /** Injectable clock for reproducible tests. */
  readonly now?: () => number;
}

export interface PeriodFacts {
  readonly blocks: BlockRelayed[];
  readonly events: HistoryEvent[];
  /** Live windows already in breach when the period began. */
  readonly breachOpenAtStart: ReadonlySet<string>;
  /** The last measurement-start before the period: the tier and launch plan in effect at its start. */
  readonly startBefore: HistoryEvent | null;
}

type Period = Pick<ReportRequest, 'from' | 'to' | 'tier'>;

/** Everything a report needs besides the samples: small, read once before the sample pass. */
export async function readPeriodFacts(source: ReportSource, range: TimeRange): Promise<PeriodFacts> {
  const [blocks, events, breachOpenAtStart, startBefore] = await Promise.all([
    source.blocks(range),
    source.events(range),
    windowsOpenAt(range.from, (at, kinds) => source.lastEventBefore(at, kinds)),
    source.lastEventBefore(range.from, ['measurement-start']),
  ]);
  return { blocks, events, breachOpenAtStart, startBefore };
}

export function methodNotes(targetMs: number, timeoutMs: number): string[] {
  return [
    'Samples: every raw probe sample of this tier whose intended send time lies in [from, to); the CSV export of the same period and tier holds exactly these rows.',
    `Latency is measured from the intended send time (no coordinated omission). The CSV holds the latency as measured; in percentiles, max and mean a failed probe (ok = false: error, non-200, timeout) counts at ${timeoutMs} ms (the probe timeout) or its measured latency, whichever is larger, so failures never make the figures look better.`,
    'Percentiles: nearest rank, the value at rank max(1, ⌈q·n⌉) in ascending order, read from one HDR histogram (3 significant digits, µs units) fed every sample, clamped to the exact max: within 0.1% of the exact value. Max and mean are exact.',
    `Compliance: samples that succeeded within ${targetMs} ms, divided by all samples; errors and timeouts count as misses. The miss-rate bound is the one-sided ${CONFIDENCE * 100}% Clopper–Pearson upper bound.`,
    'Verdict: pass when that bound is at most 1 − objective; fail when the lower bound exceeds it, or when n reaches the required n and the misses exceed the error budget; otherwise insufficient samples.',
    'Uptime: distinct UTC seconds with at least one successful sample, divided by distinct seconds with any sample. Coverage: measured seconds over the period.',
    'Tier attribution: an event belongs to the tier it names (measurement-start, tier-switch) or else to the tier the latest such event before it named; only this tier’s events are listed. Launch plans are the ones recorded when this tier’s measurement started. Blocks carry no tier; each belongs to the tier of the latest sample at or before it. Breaches are the panel’s own sla-breach/sla-recovered events for each live window (headline: the 15-minute window the panel notifies on), cut at the period’s end and at a tier change.',
    'Block latency: added = relayed − received on the relay’s clock; end to end = delivery at the probe − the demo peer’s send time (only with the demo peer). Percentiles exact over every block.',
  ];
}

export function buildSummary(
  period: Period,
  scan: ScanResult,
  facts: PeriodFacts,
  context: ReportContext,
): ReportSummary {
  const spec = tierSpec(period.tier);
  const range = { from: period.from, to: period.to };
  const durationMs = period.to - period.from;
  const periodSeconds = Math.max(1, Math.ceil(durationMs / 1000));
  const byEvents = eventTierTimeline(facts.events, facts.startBefore);
  const { breaches, restarts, events } = summarizeEvents(
    facts.events,
    facts.breachOpenAtStart,
    range,
    scan.timeline,
    period.tier,
    (e) => tierOfEvent(e, byEvents, scan.timeline),
  );
  const launchPlans = launchPlansOf(period.tier, facts.events, facts.startBefore);
  const launch = launchPlans.at(-1)?.launch ?? (context.launch?.tier === period.tier ? context.launch : null);
  return {
    schema: 'sprint-control.report/1',
    generatedAt: (context.now ?? Date.now)(),
    period: { from: period.from, to: period.to, durationMs },
    tier: period.tier,
    probeTimeoutMs: context.probeTimeoutMs,
    latency: scan.latency,
    sla: summarizeSla(scan.counts, { targetMs: spec.targetMs, objective: spec.objective }),
    missBreakdown: scan.missCounts,
    probeLateness: scan.lateness,
    probeOwnTime: scan.ownTime,
    otherTiers: scan.otherTiers,
    availability: {
      measuredSeconds: scan.measuredSeconds,
      upSeconds: scan.upSeconds,
      uptime: scan.measuredSeconds === 0 ? null : scan.upSeconds / scan.measuredSeconds,
      coverage: Math.min(1, scan.measuredSeconds / periodSeconds),
    },
    breaches,
    restarts,
    blocks: summarizeBlocks(facts.blocks, scan.timeline, period.tier),
    series: { bucketMs: scan.bucketMs, points: scan.points },
    events,
    launch,
    launchPlans,
    slaTests: facts.events.flatMap((e) => {
      if (e.kind !== 'sla-test') return [];
      const run = SlaTestResult.safeParse(e.details);
      return run.success ? [run.data] : [];
    }),
    tuning: facts.events.flatMap((e) => {
      if (e.kind !== 'tuning') return [];
      const run = TuneResult.safeParse(e.details);
      return run.success ? [run.data] : [];
    }),
    machine: context.machine,
    relayVersion: context.relayVersion,
    profile: context.profile ?? null,
    method: methodNotes(spec.targetMs, context.probeTimeoutMs),
  };
}

/** A scan for the period's tier against its SLA target. */
export function newScan(period: Period, probeTimeoutMs: number): SampleScan {
  const range = { from: period.from, to: period.to };
  return new SampleScan(period.tier, tierSpec(period.tier).targetMs, probeTimeoutMs, range);
}
