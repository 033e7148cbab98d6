import { z } from 'zod';
import { LaunchReport } from './launch';
import { LatenessSummary, SlaSummary } from './metrics';
import { TIER_NAMES, TierName } from './tiers';

/** The built-in SLA test: the same probes against each tier in turn, optionally under CPU contention. */
export const SlaTestRequest = z
  .object({
    tiers: z.array(TierName).min(1).max(TIER_NAMES.length).default(['free', 'enterprise']),
    probesPerTier: z.number().int().min(100).max(100_000).default(3000),
    rateHz: z.number().min(1).max(500).default(100),
    contention: z.boolean().default(false),
  })
  .strict()
  .refine((request) => new Set(request.tiers).size === request.tiers.length, {
    message: 'each tier at most once',
    path: ['tiers'],
  });
export type SlaTestRequest = z.output<typeof SlaTestRequest>;
export type SlaTestRequestInput = z.input<typeof SlaTestRequest>;

/** Exact figures over one tier's probes (n is small enough to sort; no histogram rounding). */
export const SlaTestLatency = z.object({
  mean: z.number(),
  p50: z.number(),
  p99: z.number(),
  p999: z.number(),
  max: z.number(),
});
export type SlaTestLatency = z.infer<typeof SlaTestLatency>;

export const SlaTestTierResult = z.object({
  tier: TierName,
  startedAt: z.number(),
  finishedAt: z.number(),
  n: z.number().int().nonnegative(),
  /** Probes that errored, timed out or answered non-200. */
  failed: z.number().int().nonnegative(),
  /**
   * Misses as every view counts them (shared/figures.ts): over target + errors + timeouts. Absent in
   * results recorded before this field (they carry `failed` and the SLA summary only).
   */
  misses: z
    .object({
      n: z.number().int().nonnegative(),
      misses: z.number().int().nonnegative(),
      overTarget: z.number().int().nonnegative(),
      errors: z.number().int().nonnegative(),
      timeouts: z.number().int().nonnegative(),
    })
    .optional(),
  /** The probe's own lateness over the run (actual − intended send, ms). Absent in older results. */
  probeLateness: LatenessSummary.optional(),
  /**
   * The first SLA_TEST_WARMUP_MS of probes after the relay (re)started on this tier: not counted in any
   * figure above (a restart's warm-up, not the tier's steady state), shown apart. Absent in older results.
   */
  warmup: z
    .object({ n: z.number().int().nonnegative(), overTarget: z.number().int().nonnegative(), ms: z.number() })
    .optional(),
  latency: SlaTestLatency.nullable(),
  sla: SlaSummary,
  launch: LaunchReport.nullable(),
});
export type SlaTestTierResult = z.infer<typeof SlaTestTierResult>;

/**
 * How long after each tier's relay starts serving its probes are warm-up. A restarted relay answers
 * its first probes slowly (tuning measured 2–6 of 100 over 5 ms in the first 250 ms, none after).
 */
export const SLA_TEST_WARMUP_MS = 500;

/**
 * Each figure of the first tier divided by the last's (first ÷ last): above 1 the last tier is lower
 * (faster), below 1 higher. Read it with shared/figures.ts `compareRatio`, never as "N× lower" as is.
 */
export const SlaTestImprovement = z.object({
  from: TierName,
  to: TierName,
  mean: z.number().nullable(),
  p999: z.number().nullable(),
  max: z.number().nullable(),
});
export type SlaTestImprovement = z.infer<typeof SlaTestImprovement>;

export const SlaTestResult = z.object({
  startedAt: z.number(),
  finishedAt: z.number(),
  request: z.object({
    tiers: z.array(TierName),
    probesPerTier: z.number(),
    rateHz: z.number(),
    contention: z.boolean(),
  }),
  /** Busy processes running during the test (0 without contention). */
  contentionProcesses: z.number().int().nonnegative(),
  tiers: z.array(SlaTestTierResult),
  improvement: SlaTestImprovement.nullable(),
});
export type SlaTestResult = z.infer<typeof SlaTestResult>;

export const SLA_TEST_PHASES = ['contention', 'switching', 'probing', 'restoring', 'done'] as const;
export const SlaTestProgress = z.object({
  phase: z.enum(SLA_TEST_PHASES),
  tier: TierName.nullable(),
  /** Position of the tier in the run, from 0. */
  tierIndex: z.number().int().nonnegative(),
  tierCount: z.number().int().positive(),
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
});
export type SlaTestProgress = z.infer<typeof SlaTestProgress>;
