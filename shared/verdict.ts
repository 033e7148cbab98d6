import type { SlaSummary, SlaVerdict } from './metrics';
import {
  allowedMisses,
  checkCounts,
  compliance,
  missRateLowerBound95,
  missRateUpperBound95,
  requiredSamples,
  type SlaCounts,
  type SlaTarget,
} from './sla';

/**
 * The one verdict model (issue 22): every place that judges compliance against an objective (the
 * Dashboard's SLA card, the SLA test, reports, the CLI, Fleet) calls `judge` and shows `VERDICT_WORDS`.
 *
 * In this order:
 * - `no data`: n = 0.
 * - `below objective`: the observed compliance is below the objective, at any n. Misses beyond
 *   floor((1 − objective) · n) are already more than the objective allows in this window, whatever more
 *   samples could show later; calling that "insufficient samples" hid a failing relay.
 * - `pass`: the one-sided 95% Clopper–Pearson upper bound of the miss rate is at most 1 − objective
 *   (95% sure the relay meets the objective).
 * - `insufficient samples`: on track (compliance ≥ objective) but too few samples to prove it yet.
 */
export function verdictOf(c: SlaCounts, objective: number): SlaVerdict {
  checkCounts(c.misses, c.n);
  if (c.n === 0) return 'no data';
  if (c.misses > allowedMisses(c.n, objective)) return 'below objective';
  if (missRateUpperBound95(c.misses, c.n) <= 1 - objective) return 'pass';
  return 'insufficient samples';
}

/** The words every view prints for a verdict: a newcomer reads at once whether the SLA was met. */
export const VERDICT_WORDS: Readonly<Record<SlaVerdict, string>> = {
  pass: 'Meets SLA',
  'below objective': 'Below objective',
  'insufficient samples': 'On track, not yet proven',
  'no data': 'No data',
};

/** CSS-friendly tone per verdict, shared by the UI and the HTML report. */
export const VERDICT_TONE: Readonly<Record<SlaVerdict, 'ok' | 'bad' | 'pending' | 'none'>> = {
  pass: 'ok',
  'below objective': 'bad',
  'insufficient samples': 'pending',
  'no data': 'none',
};

/** Upper limit for the "samples to prove" search: beyond this the answer is "more than a billion". */
const PROVE_LIMIT = 1_000_000_000;

/**
 * How many samples in all (misses staying as they are) make the 95% bound reach the objective: the
 * least N ≥ n with upperBound95(misses, N) ≤ 1 − objective. null when not reachable within a billion.
 */
export function samplesToProve(c: SlaCounts, objective: number): number | null {
  checkCounts(c.misses, c.n);
  const allowance = 1 - objective;
  const ok = (n: number) => missRateUpperBound95(c.misses, n) <= allowance;
  if (ok(Math.max(c.n, 1))) return Math.max(c.n, 1);
  let hi = Math.max(c.n, c.misses + 1, 1) * 2;
  while (!ok(hi)) {
    if (hi >= PROVE_LIMIT) return null;
    hi = Math.min(PROVE_LIMIT, hi * 2);
  }
  let lo = Math.max(c.n, c.misses + 1, 1);
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (ok(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** An error budget worth showing: the window allows at least one miss. */
export interface BudgetView {
  readonly n: number;
  readonly allowed: number;
  readonly used: number;
  readonly remaining: number;
}

export interface Judgement {
  readonly verdict: SlaVerdict;
  readonly words: string;
  readonly n: number;
  readonly misses: number;
  /** (n − misses) / n; null when n = 0. */
  readonly compliance: number | null;
  /**
   * The error budget, only when it means something: the window's n allows at least one miss
   * (n ≥ 1 / (1 − objective)). Below that the budget is 0 by arithmetic and "4 used of 0" says nothing
   * the verdict does not.
   */
  readonly budget: BudgetView | null;
  /** For `insufficient samples`: samples in all (no further miss) that would prove the objective. */
  readonly toProve: number | null;
}

export function judge(c: SlaCounts, objective: number): Judgement {
  const verdict = verdictOf(c, objective);
  const allowed = allowedMisses(c.n, objective);
  return {
    verdict,
    words: VERDICT_WORDS[verdict],
    n: c.n,
    misses: c.misses,
    compliance: c.n === 0 ? null : (c.n - c.misses) / c.n,
    budget: allowed >= 1 ? { n: c.n, allowed, used: c.misses, remaining: allowed - c.misses } : null,
    toProve: verdict === 'insufficient samples' ? samplesToProve(c, objective) : null,
  };
}

/**
 * One sentence under the verdict, the same in every view: why this verdict, in figures. `count` and
 * `percent` format the way the caller's view does.
 */
export function verdictDetail(
  j: Judgement,
  objective: number,
  fmt: { count: (n: number) => string; percent: (f: number) => string; objective?: (f: number) => string },
): string {
  const obj = (fmt.objective ?? fmt.percent)(objective);
  switch (j.verdict) {
    case 'no data':
      return 'No samples in this window.';
    case 'below objective':
      return `${fmt.percent(j.compliance ?? 0)} within target on n = ${fmt.count(j.n)}: below the ${obj} objective (${fmt.count(j.misses)} misses).`;
    case 'pass':
      return `95% sure of at least ${obj} within target (n = ${fmt.count(j.n)}).`;
    case 'insufficient samples':
      return j.toProve === null
        ? `Meets ${obj} so far on n = ${fmt.count(j.n)}; not provable at this miss count.`
        : `Meets ${obj} so far on n = ${fmt.count(j.n)}; ${fmt.count(j.toProve - j.n)} more samples without a miss would prove it at 95%.`;
  }
}

/** The budget line with its n ("2 of 4 misses used · 2 left · n = 4,737"); null when not meaningful. */
export function budgetLine(j: Judgement, count: (n: number) => string): string | null {
  const b = j.budget;
  if (!b) return null;
  const left = b.remaining < 0 ? `over by ${count(-b.remaining)}` : `${count(b.remaining)} left`;
  return `${count(b.used)} of ${count(b.allowed)} misses used · ${left} · n = ${count(b.n)}`;
}

/** The same verdict under the name older callers use. */
export const slaVerdict = verdictOf;

export function errorBudget(c: SlaCounts, objective: number): SlaSummary['errorBudget'] {
  const allowed = allowedMisses(c.n, objective);
  return { allowed, used: c.misses, remaining: allowed - c.misses };
}

/** A window's or a test's figures against its tier's SLA: what every view and report carries. */
export function summarizeSla(c: SlaCounts, target: SlaTarget): SlaSummary {
  return {
    targetMs: target.targetMs,
    objective: target.objective,
    compliance: compliance(c),
    n: c.n,
    missUpperBound95: missRateUpperBound95(c.misses, c.n),
    verdict: verdictOf(c, target.objective),
    requiredN: requiredSamples(target.objective),
    errorBudget: errorBudget(c, target.objective),
    toProve:
      verdictOf(c, target.objective) === 'insufficient samples' ? samplesToProve(c, target.objective) : null,
  };
}

/** judge() over a summary already computed (the UI gets summaries over the wire). */
export function judgeSummary(s: SlaSummary): Judgement {
  return judge({ n: s.n, misses: s.errorBudget.used }, s.objective);
}

/**
 * Below objective and settled: 95% sure the miss rate exceeds the allowance, or n has reached the
 * samples a pass would need. Notifications and the breach events use this, so misses that chance
 * explains are shown as below objective but do not page anyone: 1 timeout in 10 samples at 99%, 2 in
 * 1,000 at 99.9%. (1 in 10 at 99.9% does page: a miss rate within 0.1% shows it 1% of the time.)
 */
export function isSettledBelow(c: SlaCounts, objective: number): boolean {
  if (verdictOf(c, objective) !== 'below objective') return false;
  return missRateLowerBound95(c.misses, c.n) > 1 - objective || c.n >= requiredSamples(objective);
}

/** isSettledBelow over a summary. */
export function summaryIsSettledBelow(s: SlaSummary): boolean {
  return isSettledBelow({ n: s.n, misses: s.errorBudget.used }, s.objective);
}
