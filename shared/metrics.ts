import { z } from 'zod';
import { TierName } from './tiers';

/**
 * Measurement shapes shared by the main process and the UI (DESIGN.md, "Measuring" and "History").
 * All latencies are milliseconds with microsecond resolution; all instants are epoch milliseconds.
 */

const count = z.number().int().nonnegative();
const ms = z.number().nonnegative();

/**
 * Latency of a set of probe samples. Percentiles come from one HDR histogram (3 significant digits)
 * that is the merge of per-second histograms, never from averaging percentiles. A failed sample
 * (error, non-200, timeout) is recorded at the probe timeout or its elapsed time, whichever is larger:
 * a client that got no block within the timeout waited at least that long, so failures can never make
 * the percentiles look better. `null` figures mean n = 0.
 */
export const LatencySummary = z.object({
  n: count,
  /** Samples not within the tier's target: errors and timeouts included. */
  misses: count,
  p50: ms.nullable(),
  p90: ms.nullable(),
  p99: ms.nullable(),
  p999: ms.nullable(),
  /** Exact (not bucketed) largest latency. */
  max: ms.nullable(),
  /** Exact mean. */
  mean: ms.nullable(),
});
export type LatencySummary = z.infer<typeof LatencySummary>;

/**
 * Where a sample came from: the live probe beside the running relay, or an SLA test run. Live
 * windows, charts and reports count live samples only unless asked; SLA test runs are their own record.
 */
export const SAMPLE_SOURCES = ['live', 'sla-test'] as const;
export const SampleSource = z.enum(SAMPLE_SOURCES);
export type SampleSource = z.infer<typeof SampleSource>;

/** The verdicts of shared/verdict.ts. 'fail', written by older panels, reads as 'below objective'. */
export const SLA_VERDICTS = ['pass', 'below objective', 'insufficient samples', 'no data'] as const;
export const SlaVerdict = z.preprocess((v) => (v === 'fail' ? 'below objective' : v), z.enum(SLA_VERDICTS));
export type SlaVerdict = z.infer<typeof SlaVerdict>;

/** Compliance against the tier's objective; see shared/sla.ts for the exact rules. */
export const SlaSummary = z.object({
  targetMs: z.number().positive(),
  /** Fraction, e.g. 0.999. */
  objective: z.number().gt(0).lt(1),
  /** Within target / all samples; null when n = 0. */
  compliance: z.number().min(0).max(1).nullable(),
  n: count,
  /** One-sided 95% Clopper–Pearson upper bound of the miss rate (1 when n = 0). */
  missUpperBound95: z.number().min(0).max(1),
  verdict: SlaVerdict,
  /** Samples with zero misses that prove the objective at 95% (2,995 for 99.9%). */
  requiredN: count,
  /**
   * For 'insufficient samples': samples in all (no further miss) that would prove the objective at
   * the current miss count; null otherwise or when out of reach (absent from older panels).
   */
  toProve: count.nullable().optional(),
  errorBudget: z.object({
    /** Misses the window may hold and still meet the objective: floor((1 − objective) · n). */
    allowed: count,
    used: count,
    /** allowed − used; negative once the budget is overspent. */
    remaining: z.number().int(),
  }),
});
export type SlaSummary = z.infer<typeof SlaSummary>;

export const WINDOW_NAMES = ['1m', '15m', '1h', '24h', 'session'] as const;
export const WindowName = z.enum(WINDOW_NAMES);
export type WindowName = z.infer<typeof WindowName>;

/** A window's own tier's samples are in `sla`; other tiers' samples in the same span, each judged by its own SLA. */
export const OtherTierSla = z.object({ tier: TierName, sla: SlaSummary });
export type OtherTierSla = z.infer<typeof OtherTierSla>;

export const WindowMetrics = z.object({
  latency: LatencySummary,
  sla: SlaSummary,
  /**
   * The span the window covers, [from, to) in intended send time: a report over the same span and
   * tier counts the same samples (absent from older panels).
   */
  span: z.object({ from: z.number(), to: z.number() }).optional(),
  /** Samples of other tiers inside the same span (tier switches, an SLA test's restore), if any. */
  otherTiers: z.array(OtherTierSla).optional(),
});
export type WindowMetrics = z.infer<typeof WindowMetrics>;

/** CPU is percent of one core (200 = two cores busy); RSS in MB. Probe figures are null while it restarts. */
export const ResourceUsage = z.object({
  relayCpuPercent: z.number().nonnegative(),
  relayRssMb: z.number().nonnegative(),
  /** The relay's own event-loop delay p99 from its /health; null when unavailable (external binary). */
  relayEventLoopDelayMs: z.number().nonnegative().nullable(),
  probeCpuPercent: z.number().nonnegative().nullable(),
  probeRssMb: z.number().nonnegative().nullable(),
});
export type ResourceUsage = z.infer<typeof ResourceUsage>;

/**
 * How late the probe itself sent (actual − intended send time, early sends as 0), over a window. Kept
 * apart from latency so "the machine was too busy to probe" can be told from "the relay was slow":
 * latency is still measured from the intended send time, so a late probe's wait is in it too.
 */
export const LatenessSummary = z.object({
  n: count,
  p50: ms.nullable(),
  p99: ms.nullable(),
  max: ms.nullable(),
});
export type LatenessSummary = z.infer<typeof LatenessSummary>;

/**
 * What the probe is doing. `waiting-for-block`: the relay is up but has served no block yet, so there
 * is nothing to measure; those seconds are shown as this state and lower a window's coverage, never
 * silently absent.
 */
export const PROBE_STATES = ['starting', 'waiting-for-block', 'sampling', 'restarting', 'stopped'] as const;
export const ProbeStatus = z.object({
  state: z.enum(PROBE_STATES),
  since: z.number(),
  /**
   * Whether the probe is on the relay's block stream: a block relayed while it is not is never seen by
   * the block chart (absent from panels older than this field).
   */
  blockStream: z.boolean().optional(),
});
export type ProbeStatus = z.infer<typeof ProbeStatus>;

/** How much of a window was measured: samples over the slots the schedule had (rate × seconds). */
export const WindowCoverage = z.object({
  /** Slots the window spans since measuring began (rate × whole seconds). */
  expected: count,
  /** n / expected, at most 1; null when nothing was expected yet. */
  share: z.number().min(0).max(1).nullable(),
});
export type WindowCoverage = z.infer<typeof WindowCoverage>;

const perWindow = <T extends z.ZodType>(schema: T) =>
  z.object({ '1m': schema, '15m': schema, '1h': schema, '24h': schema, session: schema });

/** The once-a-second event (`metrics.tick`). */
export const MetricsTick = z.object({
  at: z.number(),
  tier: TierName,
  /**
   * The most recent closed second. Seconds close a little after they end (probe timeout plus batching),
   * so that a slow sample still lands in the second it was scheduled in.
   */
  second: LatencySummary,
  /** Start of that second; null before the first one closed. */
  secondAt: z.number().nullable(),
  windows: z.object({
    '1m': WindowMetrics,
    '15m': WindowMetrics,
    '1h': WindowMetrics,
    '24h': WindowMetrics,
    session: WindowMetrics,
  }),
  resources: ResourceUsage.nullable(),
  /** The probe's own lateness per window (absent from panels older than this field). */
  probeLateness: perWindow(LatenessSummary).optional(),
  /**
   * The probe's own busy time in each answer's window, per window: how much of a latency figure may be
   * the probe's own work rather than the relay's (an upper bound; absent from panels older than this).
   */
  probeOwnTime: perWindow(LatenessSummary).optional(),
  /** Samples against the schedule's slots per window (the fields below are absent from older panels). */
  coverage: perWindow(WindowCoverage).optional(),
  probe: ProbeStatus.optional(),
});
export type MetricsTick = z.infer<typeof MetricsTick>;

/** One block as the probe saw it arrive on the relay's stream (`block.relayed`). */
export const BlockRelayed = z.object({
  height: z.number().int().nonnegative(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  /** Relay clock: the upstream announcement reached the relay. */
  receivedAt: z.number(),
  /** Relay clock: the relay wrote it to its stream clients. */
  relayedAt: z.number(),
  /** relayedAt − receivedAt: what the relay itself added. */
  addedMs: z.number(),
  /** deliveredAt − the demo peer's send time; null without a demo peer (or when it has no record). */
  endToEndMs: z.number().nullable(),
  /** Probe clock: the stream message arrived at the probe. */
  deliveredAt: z.number(),
});
export type BlockRelayed = z.infer<typeof BlockRelayed>;

export const HISTORY_RESOLUTIONS = ['raw', '1s', '1m', '1h'] as const;
export const HistoryResolution = z.enum(HISTORY_RESOLUTIONS);
export type HistoryResolution = z.infer<typeof HistoryResolution>;

/** `history.query` params. `auto` picks the finest resolution that keeps points ≤ maxPoints. */
export const HistoryQuery = z
  .object({
    from: z.number().nonnegative(),
    to: z.number().nonnegative(),
    resolution: z.enum(['auto', ...HISTORY_RESOLUTIONS]).default('auto'),
    maxPoints: z.number().int().min(10).max(100_000).default(2000),
  })
  .strict()
  .refine((q) => q.from <= q.to, { message: 'from must not be after to', path: ['from'] });
export type HistoryQuery = z.output<typeof HistoryQuery>;
export type HistoryQueryInput = z.input<typeof HistoryQuery>;

/** One chart point: a bucket's figures (a raw sample is a bucket of one). */
export const HistoryPoint = z.object({
  /** Bucket start (raw: the sample's intended send time). */
  t: z.number(),
  n: count,
  misses: count,
  p50: ms,
  p99: ms,
  max: ms,
  /** The tier the bucket was measured under; null when it mixes tiers (absent from older panels). */
  tier: z.string().nullable().optional(),
});
export type HistoryPoint = z.infer<typeof HistoryPoint>;

/** Kinds the panel records; the column is open text so later kinds need no migration. */
export const HISTORY_EVENT_KINDS = [
  'measurement-start',
  'measurement-stop',
  'tier-switch',
  'relay-restart',
  'relay-crash',
  'probe-restart',
  'probe-crash',
  'sla-breach',
  'sla-recovered',
] as const;

export const HistoryEvent = z.object({
  at: z.number(),
  kind: z.string().min(1).max(64),
  details: z.record(z.string(), z.unknown()),
});
export type HistoryEvent = z.infer<typeof HistoryEvent>;

export const HistoryResult = z.object({
  resolution: HistoryResolution,
  /** Bucket width in ms (0 for raw). Wider than the resolution when even 1 h buckets exceed maxPoints. */
  bucketMs: z.number().int().nonnegative(),
  points: z.array(HistoryPoint),
  blocks: z.array(BlockRelayed),
  events: z.array(HistoryEvent),
  /**
   * True when something was cut at maxPoints: raw points when 'raw' was forced, or blocks/events
   * (the most recent maxPoints of each are kept).
   */
  truncated: z.boolean(),
});
export type HistoryResult = z.infer<typeof HistoryResult>;
