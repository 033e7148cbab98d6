import { describe, expect, it } from 'vitest';
import { ReadBudget } from './read-budget';

function setup(mayResume = () => true) {
  const calls: string[] = [];
  const turns: Array<() => void> = [];
  const socket = { pause: () => calls.push('pause'), resume: () => calls.push('resume') };
  const budget = new ReadBudget(socket, { budgetMs: 4, mayResume, nextTurn: (fn) => turns.push(fn) });
  const endTurn = () => turns.splice(0).forEach((fn) => fn());
  return { budget, calls, endTurn, turns };
}

describe('ReadBudget', () => {
  it('pauses once the turn has spent the budget, and resumes in the next turn', () => {
    const { budget, calls, endTurn } = setup();
    budget.charge(1.5);
    budget.charge(2);
    expect(calls).toEqual([]);
    budget.charge(0.5); // 4 ms: the budget reached
    budget.charge(3); // a read already in hand: no second pause
    expect(calls).toEqual(['pause']);
    expect(budget.waiting).toBe(true);
    endTurn();
    expect(calls).toEqual(['pause', 'resume']);
    expect(budget.waiting).toBe(false);
  });

  it('starts each turn with the whole budget', () => {
    const { budget, calls, endTurn, turns } = setup();
    for (let turn = 0; turn < 5; turn++) {
      budget.charge(3);
      expect(turns).toHaveLength(1); // one turn hook however many reads
      endTurn();
    }
    expect(calls).toEqual([]);
  });

  it('leaves the socket paused when the send-buffer guard holds it', () => {
    let guardPaused = true;
    const { budget, calls, endTurn } = setup(() => !guardPaused);
    budget.charge(10);
    endTurn();
    expect(calls).toEqual(['pause']);
    guardPaused = false;
    budget.charge(10);
    endTurn();
    expect(calls).toEqual(['pause', 'pause', 'resume']);
  });
});
