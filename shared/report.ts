import { z } from 'zod';
import { LaunchReport } from './launch';
import { SlaTestResult } from './sla-test';
import { TuneResult } from './tuning';
import {
  BlockRelayed,
  LatenessSummary,
  HistoryEvent,
  HistoryPoint,
  LatencySummary,
  SlaSummary,
} from './metrics';
import { TierName } from './tiers';

/**
 * Performance report exports (DESIGN.md, "Houses to learn from": raw data by date range, percentiles
 * rather than averages, audit-ready documents). Every figure here is one an operator can recompute
 * from the CSV of the same range and tier; `ReportSummary.method` says how.
 */

const count = z.number().int().nonnegative();
const ms = z.number().nonnegative();

/**
 * The report formats, one row each, in the order the UI offers them: the export card's choices, the
 * CLI's --format, the file's extension and the type a headless download is served with all derive
 * from here. Each format's writer is registered in electron/services/reports/writers.ts, keyed by id
 * (a row without a writer does not compile). docs/architecture.md, "How to add a report format".
 */
export const REPORT_FORMAT_TABLE = [
  { id: 'html', label: 'HTML', extension: 'html', mime: 'text/html; charset=utf-8', needsPrinter: false },
  /** Printed from the HTML by Electron: headless mode has no printer, so it is not offered there. */
  { id: 'pdf', label: 'PDF', extension: 'pdf', mime: 'application/pdf', needsPrinter: true },
  { id: 'csv', label: 'CSV', extension: 'csv', mime: 'text/csv; charset=utf-8', needsPrinter: false },
  { id: 'json', label: 'JSON', extension: 'json', mime: 'application/json', needsPrinter: false },
] as const;
export type ReportFormatRow = (typeof REPORT_FORMAT_TABLE)[number];

type FormatIds<T extends readonly ReportFormatRow[]> = { readonly [I in keyof T]: T[I]['id'] };
export const REPORT_FORMATS = REPORT_FORMAT_TABLE.map((f) => f.id) as unknown as FormatIds<
  typeof REPORT_FORMAT_TABLE
>;
export const ReportFormat = z.enum(REPORT_FORMATS);
export type ReportFormat = z.infer<typeof ReportFormat>;

export function reportFormatRow(format: ReportFormat): ReportFormatRow {
  const row = REPORT_FORMAT_TABLE.find((f) => f.id === format);
  if (row === undefined) throw new Error(`no report format "${format}"`);
  return row;
}

/** The format a report file name ends with, or undefined for any other file. */
export function reportFormatOfFile(fileName: string): ReportFormatRow | undefined {
  return REPORT_FORMAT_TABLE.find((f) => fileName.endsWith(`.${f.extension}`));
}

/** A half-open period [from, to) in epoch ms, the tier whose samples and SLA target it covers. */
export const ReportRequest = z
  .object({
    from: z.number().int().nonnegative(),
    to: z.number().int().nonnegative(),
    tier: TierName,
    format: ReportFormat,
    /** Count the SLA test's probes with the live ones (default: live probing only). */
    includeSlaTest: z.boolean().optional(),
  })
  .strict()
  .refine((r) => r.from < r.to, { message: 'from must be before to', path: ['from'] });
export type ReportRequest = z.infer<typeof ReportRequest>;

/** Raw samples read so far out of all samples in the period (every tier: they are all read). */
export const ReportProgress = z
  .object({ done: count, total: count })
  .refine((p) => p.done <= p.total, { message: 'done must not exceed total', path: ['done'] });
export type ReportProgress = z.infer<typeof ReportProgress>;

export const MachineInfo = z.object({
  /** e.g. "Linux 6.1.0-18-amd64"; "Windows 10 Pro 10.0.22631"; "Darwin 23.4.0". */
  os: z.string(),
  platform: z.string(),
  arch: z.string(),
  cpuModel: z.string(),
  cpuCount: count,
  memoryBytes: count,
});
export type MachineInfo = z.infer<typeof MachineInfo>;

/** Latency of a small set (blocks): exact nearest-rank percentiles over every value. */
export const ExactLatency = z.object({
  n: count,
  p50: ms.nullable(),
  p90: ms.nullable(),
  max: ms.nullable(),
  mean: ms.nullable(),
});
export type ExactLatency = z.infer<typeof ExactLatency>;

export const BreachSpan = z.object({
  /** The live window whose verdict turned to fail ("15m", "1h", "24h"); "any" if the event named none. */
  window: z.string(),
  from: z.number(),
  /** Recovery, the tier's end, or the period's end when still open then (`open`). */
  to: z.number(),
  durationMs: ms,
  open: z.boolean(),
});
export type BreachSpan = z.infer<typeof BreachSpan>;

/** A block with the tier in effect when it reached the relay (derived from the sample timeline). */
export const ReportBlock = BlockRelayed.extend({ tier: z.string().nullable() });
export type ReportBlock = z.infer<typeof ReportBlock>;

export const ReportEvent = HistoryEvent.extend({ tier: z.string().nullable() });
export type ReportEvent = z.infer<typeof ReportEvent>;

/** Lists are capped so a month-long period still yields a readable document; `truncated` says so. */
export const REPORT_LIST_CAP = 500;

export const ReportSummary = z.object({
  /** Version of this shape, so a reader of an old JSON export knows what it holds. */
  schema: z.literal('sprint-control.report/1'),
  generatedAt: z.number(),
  period: z.object({ from: z.number(), to: z.number(), durationMs: ms }),
  tier: TierName,
  /** The probe timeout: a failed sample counts at no less than this in percentiles, max and mean. */
  probeTimeoutMs: z.number().positive(),
  /** Headline figures over the requested tier's raw samples in the period. */
  latency: LatencySummary,
  sla: SlaSummary,
  /** Samples in the period taken under other tiers: read, counted here, not in any figure above. */
  /** Misses broken out: over target + errors + timeouts = latency.misses (absent in older reports). */
  missBreakdown: z
    .object({ n: count, misses: count, overTarget: count, errors: count, timeouts: count })
    .optional(),
  /** The probe's own lateness over the period: when it is high the machine, not the relay, was slow. */
  probeLateness: LatenessSummary.optional(),
  /** The probe's own busy time in the answers' windows: how much of each figure may be its own. */
  probeOwnTime: LatenessSummary.optional(),
  otherTiers: z.array(z.object({ tier: z.string(), n: count })),
  availability: z.object({
    /** Distinct whole seconds (UTC, floor(t / 1000)) with at least one sample of this tier. */
    measuredSeconds: count,
    /** Of those, seconds with at least one successful sample. */
    upSeconds: count,
    /** upSeconds / measuredSeconds; null when nothing was measured. */
    uptime: z.number().min(0).max(1).nullable(),
    /** measuredSeconds / the period's seconds: how much of the period this tier was measured. */
    coverage: z.number().min(0).max(1),
  }),
  /**
   * SLA breaches as the panel recorded them (sla-breach / sla-recovered events per live window).
   * The headline figures are the `window` the panel notifies on (15 minutes); every window's are in
   * byWindow, and spans lists every window's breaches by start.
   */
  breaches: z.object({
    window: z.string(),
    count,
    totalMs: ms,
    longest: BreachSpan.nullable(),
    byWindow: z.array(z.object({ window: z.string(), count, totalMs: ms, longestMs: ms.nullable() })),
    spans: z.array(BreachSpan),
    truncated: z.boolean(),
  }),
  restarts: z.object({
    relayRestarts: count,
    relayCrashes: count,
    probeRestarts: count,
    probeCrashes: count,
  }),
  blocks: z.object({
    count,
    added: ExactLatency,
    endToEnd: ExactLatency,
    list: z.array(ReportBlock),
    truncated: z.boolean(),
    /** Reorgs seen in the relayed blocks (shared/reorgs.ts); absent in older reports. */
    reorgs: count.optional(),
  }),
  /** Chart buckets: latency over time, each bucket's percentiles from its own histogram. */
  series: z.object({ bucketMs: count, points: z.array(HistoryPoint) }),
  events: z.object({ list: z.array(ReportEvent), truncated: z.boolean() }),
  /** The launch plan this tier ran under (the latest in the period), from history; null if none is recorded. */
  launch: LaunchReport.nullable(),
  /** Every launch plan this tier ran under in the period, from when each took effect (absent in older reports). */
  launchPlans: z.array(z.object({ at: z.number(), launch: LaunchReport })).optional(),
  /** SLA test runs that finished in the period: their own records, never part of the live figures. */
  slaTests: z.array(SlaTestResult).optional(),
  /** Tuning runs that finished in the period (electron/services/tuning): their own records too. */
  tuning: z.array(TuneResult).optional(),
  machine: MachineInfo,
  relayVersion: z.string(),
  /** The deployment profile in effect when the report was made (shared/profile.ts); null: none. */
  profile: z.string().nullable().default(null),
  /** How the figures were computed, in words, so an auditor can reproduce them. */
  method: z.array(z.string()),
});
export type ReportSummary = z.infer<typeof ReportSummary>;

export const ReportResult = z.object({
  fileName: z.string(),
  path: z.string(),
  bytes: count,
  format: ReportFormat,
  summary: ReportSummary,
});
export type ReportResult = z.infer<typeof ReportResult>;

/** The message headless mode answers a PDF request with: there is no Chromium to print with. */
export const PDF_NEEDS_DESKTOP =
  'PDF export needs the desktop app; export HTML and print it from the browser (Save as PDF)';

/** The CSV header, fixed: columns documented in the report's method section. */
/**
 * `late_ms` is the probe's own lateness (how long after its intended time the request left), already
 * inside `latency_ms`, which counts from the intended time; `own_ms` is the probe's own busy time in the
 * answer's window, at most that much of `latency_ms` is the probe rather than the relay. Each is empty
 * for rows stored before it was kept.
 */
export const CSV_COLUMNS = ['timestamp', 'latency_ms', 'ok', 'tier', 'late_ms', 'own_ms'] as const;

/**
 * The `report.progress` event: progress of one export, named by its request (exports are few and
 * a request names one file), so a UI with two exports running can tell them apart.
 */
export const ReportProgressEvent = z.object({
  from: z.number(),
  to: z.number(),
  tier: TierName,
  format: ReportFormat,
  done: count,
  total: count,
});
export type ReportProgressEvent = z.infer<typeof ReportProgressEvent>;
