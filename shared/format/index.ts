export { formatDuration } from './duration';
export { formatAxisMs, formatNumber } from './number';
export { formatPercent } from './percent';
export { DAY_MS, linearTicks, logTicks, niceCeil, timeTicks, type TimeTicks } from './ticks';
export { budgetLeftText, budgetText, type ErrorBudget } from './budget';
