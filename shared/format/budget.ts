export interface ErrorBudget {
  readonly allowed: number;
  readonly used: number;
  /** Negative when the misses overspent the budget. */
  readonly remaining: number;
}

/**
 * What is left of an error budget, in words: "21 left", or "over by 68" once overspent (a negative
 * "left" reads as a typo). `count` formats a number the way the caller's view does.
 */
export function budgetLeftText(budget: ErrorBudget, count: (n: number) => string): string {
  return budget.remaining < 0 ? `over by ${count(-budget.remaining)}` : `${count(budget.remaining)} left`;
}

/** "89 used of 21 · over by 68": the whole budget line, for the UI and the reports alike. */
export function budgetText(budget: ErrorBudget, count: (n: number) => string): string {
  return `${count(budget.used)} used of ${count(budget.allowed)} · ${budgetLeftText(budget, count)}`;
}
