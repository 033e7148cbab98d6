import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/api';
import { blockOrder, designExperiment, MIN_ROUNDS } from './design';

describe('the tuning design', () => {
  it('fits the budget: the estimate never exceeds it, every candidate gets the same blocks', () => {
    for (const [candidates, budgetSeconds, switchSeconds] of [
      [6, 180, 1.5],
      [6, 90, 1.2],
      [3, 60, 0.5],
      [8, 1800, 2],
    ] as const) {
      const d = designExperiment({ candidates, budgetSeconds, rateHz: 200, switchSeconds });
      expect(d.estimateSeconds).toBeLessThanOrEqual(budgetSeconds);
      expect(d.rounds).toBeGreaterThanOrEqual(MIN_ROUNDS);
      expect(d.blockProbes).toBeGreaterThanOrEqual(40);
    }
  });

  it('refuses a budget too short for the candidates, naming the budget it needs', () => {
    const error = (() => {
      try {
        designExperiment({ candidates: 6, budgetSeconds: 30, rateHz: 200, switchSeconds: 1.5 });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).message).toMatch(/too short for 6 candidates.*at least \d+ s/);
  });

  it('interleaves: each round runs every candidate once, each equally often in each position', () => {
    const order = blockOrder(3, 6);
    expect(order.slice(0, 3)).toEqual([
      [0, 1, 2],
      [1, 2, 0],
      [2, 0, 1],
    ]);
    for (const round of order) expect([...round].sort()).toEqual([0, 1, 2]);
    for (let position = 0; position < 3; position++) {
      const counts = [0, 0, 0];
      for (const round of order) counts[round[position]!]!++;
      expect(counts).toEqual([2, 2, 2]);
    }
  });
});
