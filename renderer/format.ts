/**
 * Every number, time and label the UI prints goes through here, so a value reads the same in a card,
 * a chart tooltip and a screen reader's summary.
 */

import { budgetText, formatDuration, formatNumber as number, type ErrorBudget } from '../shared/format';

// Shared with the reports, so a figure reads the same in the panel and in an exported report.
export { formatAxisMs, formatDuration, formatPercent } from '../shared/format';

const NBSP = '\u00a0';

/** A latency in milliseconds with the precision that matters at its size: 0.042, 4.21, 42.1, 1,240. */
export function formatMs(ms: number | null | undefined, unit = true): string {
  if (ms == null || !Number.isFinite(ms)) return '—';
  const abs = Math.abs(ms);
  const digits = abs === 0 ? 0 : abs < 0.1 ? 3 : abs < 10 ? 2 : abs < 100 ? 1 : 0;
  const text = number(ms, digits, digits);
  return unit ? `${text}${NBSP}ms` : text;
}

/** A configured threshold (an SLA target): no false precision, "5 ms", "1,000 ms", "0.5 ms". */
export function formatTargetMs(ms: number): string {
  return `${number(ms, 0, 3)}${NBSP}ms`;
}

/** A wall-clock span the user waited for (a tier switch): "842 ms", "2.4 s". */
export function formatElapsed(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}${NBSP}ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)}${NBSP}s`;
}

/** An SLA objective as written in the tier table: 0.99 → "99%", 0.999 → "99.9%". */
export function formatObjective(fraction: number): string {
  return `${Number((fraction * 100).toFixed(3))}%`;
}

/** An error budget in misses: "3 used of 12 · 9 left", or how far over it the window is. */
export function formatBudget(budget: ErrorBudget): string {
  return budgetText(budget, formatCount);
}

/** A count with thousands separators: 12,345. */
export function formatCount(n: number | null | undefined): string {
  if (n == null || !Number.isFinite(n)) return '—';
  return number(Math.round(n), 0, 0);
}

/** Megabytes of memory: "84.2 MB", "1.21 GB". */
export function formatMb(mb: number | null | undefined): string {
  if (mb == null || !Number.isFinite(mb)) return '—';
  if (mb >= 1024) return `${(mb / 1024).toFixed(2)}${NBSP}GB`;
  return `${mb.toFixed(mb < 100 ? 1 : 0)}${NBSP}MB`;
}

/** CPU use of one process, where 100% is one core. */
export function formatCpu(percent: number | null | undefined): string {
  if (percent == null || !Number.isFinite(percent)) return '—';
  return `${percent.toFixed(percent < 10 ? 1 : 0)}%`;
}

/** "14:03:05" in the user's local time, 24 h, so columns of times line up. */
export function formatClock(t: number): string {
  const d = new Date(t);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((v) => String(v).padStart(2, '0')).join(':');
}

/** "14:03:05.123", for log lines where the order within a second matters. */
export function formatClockMs(t: number): string {
  return `${formatClock(t)}.${String(new Date(t).getMilliseconds()).padStart(3, '0')}`;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** An axis tick for a chart spanning `spanMs`: seconds for minutes, weekday for days. */
export function formatTimeTick(t: number, spanMs: number): string {
  const d = new Date(t);
  const hm = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  if (spanMs <= 15 * 60_000) return formatClock(t);
  if (spanMs <= 26 * 3_600_000) return hm;
  return `${WEEKDAYS[d.getDay()]} ${hm}`;
}

/** "Mon 25 Nov, 14:03:05": a full timestamp for tooltips over long ranges. */
export function formatDateTime(t: number): string {
  const d = new Date(t);
  const month = d.toLocaleString('en-US', { month: 'short' });
  return `${WEEKDAYS[d.getDay()]} ${d.getDate()} ${month}, ${formatClock(t)}`;
}

/** How long ago, coarse: "just now", "42 s ago", "3 min ago", "2 h ago". */
export function formatAge(ms: number): string {
  if (ms < 1000) return 'just now';
  return `${formatDuration(ms).split(' ').slice(0, 2).join(' ')} ago`;
}

/** "00000000…a3f29c": a block hash an operator can still match by eye. */
export function shortHash(hash: string): string {
  return hash.length <= 16 ? hash : `${hash.slice(0, 8)}…${hash.slice(-6)}`;
}

/** How a process ended: "signal SIGKILL", "code 1". */
export function formatExit(exit: { code: number | null; signal: string | null }): string {
  return exit.signal ? `signal ${exit.signal}` : `code ${exit.code ?? '?'}`;
}

/** A block height with separators: 871,204. */
export function formatHeight(height: number): string {
  return number(height, 0, 0);
}

/** "tier" → "Tier": for enum values shown as labels. */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
