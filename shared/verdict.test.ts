import { describe, expect, it } from 'vitest';
import { SLA_VERDICTS, SlaSummary } from './metrics';
import { missRateLowerBound95 } from './sla';
import {
  budgetLine,
  errorBudget,
  judge,
  samplesToProve,
  summarizeSla,
  verdictDetail,
  verdictOf,
  VERDICT_WORDS,
} from './verdict';

const count = (n: number) => n.toLocaleString('en-US');
const percent = (f: number) => `${(f * 100).toFixed(2)}%`;

/**
 * The one table: counts, objective → verdict and the words every view prints. The rows include the
 * contradictions issue 22 found ("Insufficient samples" beside "5 used of 2 · over by 3", "4 used of
 * 0", 99.80% against 99.9% called "insufficient samples").
 */
const TABLE: ReadonlyArray<{
  n: number;
  misses: number;
  objective: number;
  verdict: (typeof SLA_VERDICTS)[number];
  words: string;
  budget: string | null;
}> = [
  { n: 0, misses: 0, objective: 0.999, verdict: 'no data', words: 'No data', budget: null },
  {
    n: 100,
    misses: 0,
    objective: 0.999,
    verdict: 'insufficient samples',
    words: 'On track, not yet proven',
    budget: null,
  },
  {
    n: 2994,
    misses: 0,
    objective: 0.999,
    verdict: 'insufficient samples',
    words: 'On track, not yet proven',
    budget: '0 of 2 misses used · 2 left · n = 2,994',
  },
  {
    n: 2995,
    misses: 0,
    objective: 0.999,
    verdict: 'pass',
    words: 'Meets SLA',
    budget: '0 of 2 misses used · 2 left · n = 2,995',
  },
  // "4 used of 0": n = 264 allows no miss; 4 misses are below the objective, and no budget is shown.
  { n: 264, misses: 4, objective: 0.999, verdict: 'below objective', words: 'Below objective', budget: null },
  // "5 used of 2 · over by 3" was called insufficient samples: it is below the objective.
  {
    n: 2500,
    misses: 5,
    objective: 0.999,
    verdict: 'below objective',
    words: 'Below objective',
    budget: '5 of 2 misses used · over by 3 · n = 2,500',
  },
  // The SLA-test tier at 99.80% against 99.9% (n = 3,000, 6 misses).
  {
    n: 3000,
    misses: 6,
    objective: 0.999,
    verdict: 'below objective',
    words: 'Below objective',
    budget: '6 of 3 misses used · over by 3 · n = 3,000',
  },
  {
    n: 3000,
    misses: 1,
    objective: 0.999,
    verdict: 'insufficient samples',
    words: 'On track, not yet proven',
    budget: '1 of 3 misses used · 2 left · n = 3,000',
  },
  {
    n: 10_000,
    misses: 1,
    objective: 0.999,
    verdict: 'pass',
    words: 'Meets SLA',
    budget: '1 of 10 misses used · 9 left · n = 10,000',
  },
  {
    n: 100,
    misses: 1,
    objective: 0.99,
    verdict: 'insufficient samples',
    words: 'On track, not yet proven',
    budget: '1 of 1 misses used · 0 left · n = 100',
  },
  {
    n: 100,
    misses: 2,
    objective: 0.99,
    verdict: 'below objective',
    words: 'Below objective',
    budget: '2 of 1 misses used · over by 1 · n = 100',
  },
  {
    n: 5000,
    misses: 0,
    objective: 0.999,
    verdict: 'pass',
    words: 'Meets SLA',
    budget: '0 of 5 misses used · 5 left · n = 5,000',
  },
];

describe('the verdict model (one table)', () => {
  it.each(TABLE)('$misses misses of $n at $objective → $verdict', (row) => {
    const j = judge({ n: row.n, misses: row.misses }, row.objective);
    expect(j.verdict).toBe(row.verdict);
    expect(verdictOf({ n: row.n, misses: row.misses }, row.objective)).toBe(row.verdict);
    expect(j.words).toBe(row.words);
    expect(budgetLine(j, count)).toBe(row.budget);
  });

  it('has words for every verdict, each distinct', () => {
    expect(Object.keys(VERDICT_WORDS).sort()).toEqual([...SLA_VERDICTS].sort());
    expect(new Set(Object.values(VERDICT_WORDS)).size).toBe(SLA_VERDICTS.length);
  });

  it('never shows a budget that contradicts the verdict', () => {
    // Every count up to n = 3,000 at 99.9% and 99%: over budget ⇔ below objective, and a pass never
    // shows an overspent budget.
    for (const objective of [0.999, 0.99]) {
      for (let n = 0; n <= 3000; n += 37) {
        for (let misses = 0; misses <= Math.min(n, 12); misses++) {
          const j = judge({ n, misses }, objective);
          if (j.budget && j.budget.remaining < 0) expect(j.verdict).toBe('below objective');
          if (j.verdict === 'pass' || j.verdict === 'insufficient samples') {
            expect(j.budget === null || j.budget.remaining >= 0).toBe(true);
          }
          if (j.compliance !== null && j.compliance < objective) expect(j.verdict).toBe('below objective');
        }
      }
    }
  });

  it('calls a 95%-certain failure below objective at any n (5 of 100)', () => {
    expect(missRateLowerBound95(5, 100)).toBeGreaterThan(0.001);
    expect(verdictOf({ n: 100, misses: 5 }, 0.999)).toBe('below objective');
    expect(verdictOf({ n: 1, misses: 1 }, 0.999)).toBe('below objective');
  });

  it('says how many samples would prove an on-track window', () => {
    expect(samplesToProve({ n: 100, misses: 0 }, 0.999)).toBe(2995);
    // 1 miss: the bound 1 − (0.05)… needs more; the answer is the least n that passes.
    const need = samplesToProve({ n: 3000, misses: 1 }, 0.999);
    expect(need).not.toBeNull();
    expect(verdictOf({ n: need ?? 0, misses: 1 }, 0.999)).toBe('pass');
    expect(verdictOf({ n: (need ?? 0) - 1, misses: 1 }, 0.999)).toBe('insufficient samples');
    const j = judge({ n: 100, misses: 0 }, 0.999);
    expect(verdictDetail(j, 0.999, { count, percent })).toBe(
      'Meets 99.90% so far on n = 100; 2,895 more samples without a miss would prove it at 95%.',
    );
    expect(verdictDetail(judge({ n: 3000, misses: 6 }, 0.999), 0.999, { count, percent })).toBe(
      '99.80% within target on n = 3,000: below the 99.90% objective (6 misses).',
    );
  });

  it('summarizes into the shared schema, and reads an older panel’s "fail" as below objective', () => {
    const s = summarizeSla({ n: 3000, misses: 0 }, { targetMs: 5, objective: 0.999 });
    expect(SlaSummary.parse(s)).toEqual(s);
    expect(s).toMatchObject({ verdict: 'pass', requiredN: 2995, compliance: 1, toProve: null });
    const empty = summarizeSla({ n: 0, misses: 0 }, { targetMs: 5, objective: 0.999 });
    expect(empty).toMatchObject({ compliance: null, missUpperBound95: 1, verdict: 'no data' });
    expect(SlaSummary.parse({ ...s, verdict: 'fail' }).verdict).toBe('below objective');
    expect(errorBudget({ n: 36_000, misses: 40 }, 0.999)).toEqual({ allowed: 36, used: 40, remaining: -4 });
  });
});
