/**
 * "3 h 04 min", "12 min 05 s", "42 s", "480 ms": a span at the precision an operator reads, for the
 * panel's uptime and countdowns and the report's periods and breaches. Two units at most, the
 * second zero-padded so columns of durations line up; truncated, never rounded up (a 59.6 s breach
 * is not a minute).
 */
export function formatDuration(ms: number): string {
  if (!(ms > 0)) return '0 s';
  if (ms < 1000) return `${Math.floor(ms)} ms`;
  const seconds = Math.floor(ms / 1000);
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  if (m > 0) return `${m} min ${String(s).padStart(2, '0')} s`;
  return `${s} s`;
}
