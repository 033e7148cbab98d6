import { z } from 'zod';
import { Capabilities } from './launch/capabilities';
import { TierOverrides } from './launch/schema';
import { LatenessSummary } from './metrics';
import { TierName, TIERS } from './tiers';
import { verdictOf } from './verdict';

/**
 * "Tune this machine": which launch plan meets a tier's SLA best here, by measurement. The candidates
 * run interleaved in short blocks under the same probe rate and load; each is compared with the
 * tier's default plan by a block bootstrap (electron/services/tuning/statistics.ts). Results hold for
 * this machine and this load only, so every run carries the machine it was measured on.
 */

export const TuneRequest = z
  .object({
    tier: TierName.default('enterprise'),
    /** The whole experiment, switches included; the design fits its blocks into it. */
    budgetSeconds: z.number().int().min(30).max(1800).default(180),
    rateHz: z.number().int().min(20).max(500).default(200),
    contention: z.boolean().default(false),
    /** Seeds the bootstrap, so a stored run can be re-analysed to the same figures. */
    seed: z.number().int().min(0).max(0xffffffff).optional(),
  })
  .strict();
export type TuneRequest = z.output<typeof TuneRequest>;
export type TuneRequestInput = z.input<typeof TuneRequest>;

/** How the relay's probe is placed beside it: with the relay's own wrappers, or on the other cores. */
export const ProbePlacement = z.enum(['with-relay', 'apart']);

export const TuneCandidate = z.object({
  id: z.string().max(40),
  /** In the user's words: "real-time off", "priority high", "relay on CPU 1, probe apart on CPU 0". */
  label: z.string().max(200),
  /** The tier's overrides that make this candidate ({} is the tier's default plan). */
  overrides: TierOverrides,
  probe: ProbePlacement,
  /** CPUs the probe is pinned to when it runs apart from the relay (its overrides' probeCpus). */
  probeCpus: z.string().max(256).nullable(),
  /**
   * False where the panel cannot carry the candidate into live use. Every candidate proposed now is
   * (the probe's placement is an override too); runs stored before that may hold false.
   */
  applicable: z.boolean(),
});
export type TuneCandidate = z.infer<typeof TuneCandidate>;

export const SkippedCandidate = z.object({ label: z.string().max(200), reason: z.string().max(1000) });
export type SkippedCandidate = z.infer<typeof SkippedCandidate>;

export const TuneDesign = z.object({
  candidates: z.number().int().positive(),
  /** A round runs every candidate's block once, in a rotated order. */
  rounds: z.number().int().positive(),
  blockProbes: z.number().int().positive(),
  /**
   * Probes discarded at the start of each block: the first ones after the relay, restarted under the
   * candidate, served a block and the probe started sampling (a restarted relay's first fraction of
   * a second is slower than its steady state). Shown per candidate, never counted.
   */
  warmupProbes: z.number().int().nonnegative(),
  rateHz: z.number().positive(),
  /**
   * Seconds one switch costs beyond the block's probes (relay restart until it serves a block, the
   * probe's start and stop): expected before a run, measured after. Excluded from every figure.
   */
  switchSeconds: z.number().nonnegative(),
  estimateSeconds: z.number().nonnegative(),
});
export type TuneDesign = z.infer<typeof TuneDesign>;

export const Interval = z.object({ estimate: z.number(), low: z.number(), high: z.number() });
export type Interval = z.infer<typeof Interval>;

export const WarmupSummary = z.object({
  n: z.number().int().nonnegative(),
  /** Warm-up probes over the tier's target or failed. */
  misses: z.number().int().nonnegative(),
  p99: z.number().nullable(),
});
export type WarmupSummary = z.infer<typeof WarmupSummary>;

export const TUNING_VERDICTS = ['pass', 'below objective', 'insufficient samples', 'no data'] as const;
export const TuningVerdict = z.enum(TUNING_VERDICTS);
export type TuningVerdict = z.infer<typeof TuningVerdict>;

export const TuneCandidateResult = z.object({
  candidate: TuneCandidate,
  n: z.number().int().nonnegative(),
  blocks: z.number().int().nonnegative(),
  p50: z.number().nullable(),
  p99: z.number().nullable(),
  p999: z.number().nullable(),
  max: z.number().nullable(),
  misses: z.number().int().nonnegative(),
  compliance: z.number().nullable(),
  /** One-sided 95% lower bound of compliance (Clopper–Pearson, as everywhere in the panel). */
  complianceLower95: z.number().nullable(),
  verdict: TuningVerdict,
  probeLateness: LatenessSummary,
  /** p99.9 of this candidate minus the default's (negative: faster), with its interval; null for the default. */
  p999Difference: Interval.nullable(),
  /** True when the interval lies wholly below 0 (faster than the default beyond the noise). */
  significant: z.boolean(),
  /** The blocks' warm-up probes, discarded from every figure above and shown apart (older runs: 0). */
  warmup: WarmupSummary.default({ n: 0, misses: 0, p99: null }),
  /** Counted probes that never reported by their block's deadline, included above as timeouts. */
  stalledProbes: z.number().int().nonnegative().default(0),
});
export type TuneCandidateResult = z.infer<typeof TuneCandidateResult>;

export const TuneRecommendation = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('apply'),
    candidateId: z.string(),
    overrides: TierOverrides,
    text: z.string(),
  }),
  z.object({ kind: z.literal('keep-default'), text: z.string() }),
]);
export type TuneRecommendation = z.infer<typeof TuneRecommendation>;

/** What a run was measured on: a run from another machine or kernel is never reused silently. */
export const MachineIdentity = z.object({
  hostname: z.string().max(256),
  platform: z.string().max(32),
  kernel: z.string().max(256),
  cpuModel: z.string().max(256),
  cpuCount: z.number().int().nonnegative(),
  capabilities: Capabilities,
  relayTarget: z.enum(['builtin', 'external']),
});
export type MachineIdentity = z.infer<typeof MachineIdentity>;

export const TuneResult = z.object({
  id: z.string().max(64),
  startedAt: z.number(),
  finishedAt: z.number(),
  request: z.object({
    tier: TierName,
    budgetSeconds: z.number(),
    rateHz: z.number(),
    contention: z.boolean(),
    seed: z.number(),
  }),
  targetMs: z.number(),
  objective: z.number(),
  /** Busy processes running during the experiment (0 without contention). */
  contentionProcesses: z.number().int().nonnegative(),
  design: TuneDesign,
  /** Confidence of each comparison's interval (Bonferroni-adjusted from 95% over the comparisons). */
  intervalLevel: z.number(),
  machine: MachineIdentity,
  results: z.array(TuneCandidateResult),
  skipped: z.array(SkippedCandidate),
  recommendation: TuneRecommendation,
});
export type TuneResult = z.infer<typeof TuneResult>;

export const TUNE_PHASES = ['planning', 'contention', 'measuring', 'restoring', 'done'] as const;
export const TuneProgress = z.object({
  phase: z.enum(TUNE_PHASES),
  tier: TierName,
  candidate: z.string().nullable(),
  round: z.number().int().nonnegative(),
  rounds: z.number().int().nonnegative(),
  blocksDone: z.number().int().nonnegative(),
  blocksTotal: z.number().int().nonnegative(),
  elapsedSeconds: z.number().nonnegative(),
  estimateSeconds: z.number().nonnegative(),
});
export type TuneProgress = z.infer<typeof TuneProgress>;

export const TuneRunSummary = z.object({
  result: TuneResult.nullable(),
  /** Set when the last stored run was measured on another machine, kernel or relay: not reused. */
  otherMachine: z.string().nullable(),
});
export type TuneRunSummary = z.infer<typeof TuneRunSummary>;

// ---------------------------------------------------------------------------------------------
// Words and figures shared by the card, the CLI and the report, so they never disagree.

/** A candidate's verdict in the one verdict model's words (shared/verdict.ts), on its own counts. */
export function tuningVerdict(n: number, misses: number, objective: number): TuningVerdict {
  return verdictOf({ n, misses }, objective);
}

export const formatMs = (ms: number | null | undefined): string =>
  ms === null || ms === undefined || !Number.isFinite(ms)
    ? '—'
    : ms >= 100
      ? `${ms.toFixed(0)} ms`
      : ms >= 10
        ? `${ms.toFixed(1)} ms`
        : `${ms.toFixed(2)} ms`;

const pct = (value: number | null, digits = 2): string =>
  value === null ? '—' : `${(value * 100).toFixed(digits)}%`;

export const TUNE_COLUMNS = [
  { key: 'candidate', label: 'Candidate' },
  { key: 'n', label: 'n' },
  { key: 'p50', label: 'p50' },
  { key: 'p99', label: 'p99' },
  { key: 'p999', label: 'p99.9' },
  { key: 'max', label: 'Max' },
  { key: 'compliance', label: 'Compliance (95% lower bound)' },
  { key: 'verdict', label: 'Verdict' },
  { key: 'lateness', label: 'Probe lateness p99' },
  { key: 'difference', label: 'p99.9 vs default' },
  { key: 'warmup', label: 'Warm-up (discarded)' },
] as const;
export type TuneColumn = (typeof TUNE_COLUMNS)[number]['key'];

export function differenceText(d: Interval | null, level: number): string {
  if (d === null) return 'default';
  const sign = (v: number) => `${v > 0 ? '+' : ''}${v.toFixed(2)}`;
  return `${sign(d.estimate)} ms (${sign(d.low)} to ${sign(d.high)}, ${(level * 100).toFixed(1)}%)`;
}

export function tuneCells(r: TuneCandidateResult, level: number): Record<TuneColumn, string> {
  return {
    candidate: r.candidate.label,
    n:
      r.n.toLocaleString('en-US') +
      (r.stalledProbes > 0 ? ` (${r.stalledProbes.toLocaleString('en-US')} stalled, as timeouts)` : ''),
    p50: formatMs(r.p50),
    p99: formatMs(r.p99),
    p999: formatMs(r.p999),
    max: formatMs(r.max),
    compliance: `${pct(r.compliance)} (≥ ${pct(r.complianceLower95)})`,
    verdict: r.verdict,
    lateness: formatMs(r.probeLateness.p99),
    difference: differenceText(r.p999Difference, level),
    warmup:
      r.warmup.n === 0
        ? '—'
        : `${r.warmup.n.toLocaleString('en-US')} probes, ${r.warmup.misses.toLocaleString('en-US')} over target, p99 ${formatMs(r.warmup.p99)}`,
  };
}

export function tuneDesignLine(r: TuneResult): string {
  const d = r.design;
  const load =
    r.contentionProcesses > 0
      ? `under contention (${r.contentionProcesses} busy processes)`
      : 'without added load';
  return (
    `${d.candidates} candidates interleaved in ${d.rounds} rounds of one block each ` +
    `(${d.blockProbes} probes per block after ${d.warmupProbes} warm-up probes, ${d.rateHz} Hz), ${load}; ` +
    `tier ${r.request.tier} (${r.targetMs} ms, ${pct(r.objective, 1)}). ` +
    switchLine(d)
  );
}

/**
 * Why a block is fair to its candidate: what is excluded, in the user's words. Each candidate needs its
 * own relay process (its launch plan), so every block starts with a restart.
 */
export function switchLine(d: TuneDesign): string {
  const warmupSeconds = d.warmupProbes / d.rateHz;
  return (
    `Each block restarts the relay under its candidate and starts counting only once it serves and ` +
    `the probe is sampling: the switch (${d.switchSeconds.toFixed(1)} s per block here) is excluded, ` +
    `and the first ${d.warmupProbes} probes (${warmupSeconds.toFixed(1)} s) of each block are warm-up, ` +
    `discarded and shown apart.`
  );
}

export function tuneScopeLine(r: TuneResult): string {
  return (
    `Measured on ${r.machine.hostname} (${r.machine.platform} ${r.machine.kernel}, ${r.machine.cpuCount} CPUs) ` +
    `${r.contentionProcesses > 0 ? 'under contention' : 'without added load'}: ` +
    'the result holds for this machine and this load only.'
  );
}

/** The estimate shown before a run starts, from the same arithmetic the design uses. */
export function estimateText(design: TuneDesign): string {
  const minutes = Math.floor(design.estimateSeconds / 60);
  const seconds = Math.round(design.estimateSeconds % 60);
  return (
    `about ${minutes > 0 ? `${minutes} min ` : ''}${seconds} s: ${design.candidates} candidates × ` +
    `${design.rounds} blocks of ${design.blockProbes} probes; each block first restarts the relay ` +
    `(about ${design.switchSeconds.toFixed(1)} s here) and discards ${(design.warmupProbes / design.rateHz).toFixed(1)} s ` +
    `of warm-up, both excluded from the figures`
  );
}

export function tierTarget(tier: TierName): { targetMs: number; objective: number } {
  return { targetMs: TIERS[tier].targetMs, objective: TIERS[tier].objective };
}

// ---------------------------------------------------------------------------------------------
// The API's own shapes for tuning (commands in shared/api/commands.ts).

export const TunePlan = z.object({
  tier: TierName,
  candidates: z.array(TuneCandidate),
  skipped: z.array(SkippedCandidate),
  design: TuneDesign,
  estimate: z.string(),
});
export type TunePlan = z.infer<typeof TunePlan>;

export const TuneApplyRequest = z
  .object({
    /** The stored run whose recommendation to apply. */
    id: z.string().min(1).max(64),
    as: z.enum(['overrides', 'profile']),
    /** The profile's name when saving as a profile. */
    name: z.string().trim().min(1).max(64).optional(),
  })
  .strict()
  .refine((r) => r.as !== 'profile' || r.name !== undefined, {
    message: 'a profile needs a name',
    path: ['name'],
  });
export type TuneApplyRequest = z.output<typeof TuneApplyRequest>;

export const TuneApplyResult = z.object({
  tier: TierName,
  overrides: TierOverrides,
  /** What was done, in the user's words. */
  message: z.string(),
});
export type TuneApplyResult = z.infer<typeof TuneApplyResult>;

// ---------------------------------------------------------------------------------------------
// The seed's before/after table, from a tuning run: the tier default beside the recommended plan.

export const BEFORE_AFTER_COLUMNS = [
  { key: 'plan', label: 'Plan' },
  { key: 'n', label: 'n' },
  { key: 'p50', label: 'p50' },
  { key: 'p999', label: 'p99.9' },
  { key: 'max', label: 'Max' },
  { key: 'compliance', label: 'Compliance (95% lower bound)' },
  { key: 'verdict', label: 'Verdict' },
] as const;
export type BeforeAfterColumn = (typeof BEFORE_AFTER_COLUMNS)[number]['key'];

export function beforeAfterRows(run: TuneResult): Record<BeforeAfterColumn, string>[] {
  const before = run.results[0];
  const recommended =
    run.recommendation.kind === 'apply'
      ? run.results.find(
          (r) => r.candidate.id === (run.recommendation as { candidateId: string }).candidateId,
        )
      : undefined;
  const row = (plan: string, r: TuneCandidateResult): Record<BeforeAfterColumn, string> => {
    const cells = tuneCells(r, run.intervalLevel);
    return {
      plan,
      n: cells.n,
      p50: cells.p50,
      p999: cells.p999,
      max: cells.max,
      compliance: cells.compliance,
      verdict: cells.verdict,
    };
  };
  return [
    ...(before ? [row('Before: tier default', before)] : []),
    ...(recommended ? [row(`After: ${recommended.candidate.label}`, recommended)] : []),
  ];
}
