import type { Bucket } from '../../../shared/fleet-histogram';

/**
 * Checks for every figure that reaches the panel from a relay's /metrics, a remote panel or a
 * Prometheus. A value out of range is a FleetValueError naming the source and the value, shown as
 * that one row's error; the other rows and the listing itself are unaffected.
 */
export class FleetValueError extends Error {
  override readonly name = 'FleetValueError';
}

/** Latency buckets kept per relay: a remote exporting 40,000 buckets costs no more than one with 15. */
export const MAX_BUCKETS = 32;
/** No real SLA target is above ten minutes; a tip above this is no Bitcoin height for centuries. */
const MAX_TARGET_S = 600;
export const MAX_TIP = 100_000_000;

/** A value as the exposition format writes it: +Inf, -Inf, NaN, 1e+300. */
export function shown(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function refuse(source: string, what: string, value: number): never {
  throw new FleetValueError(`${source}: ${what} is ${shown(value)}`);
}

/** Seconds in, milliseconds out. */
export function checkTarget(source: string, seconds: number): number {
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_TARGET_S) refuse(source, 'target', seconds);
  return seconds * 1000;
}

export function checkObjective(source: string, ratio: number): number {
  if (!Number.isFinite(ratio) || ratio <= 0 || ratio > 1) refuse(source, 'objective', ratio);
  return ratio;
}

export function checkTip(source: string, tip: number): number {
  if (!Number.isInteger(tip) || tip < 0 || tip > MAX_TIP) refuse(source, 'tip', tip);
  return tip;
}

export function checkRatio(source: string, what: string, ratio: number | null): number | null {
  if (ratio !== null && !(ratio >= 0 && ratio <= 1)) refuse(source, what, ratio);
  return ratio;
}

export function checkCount(source: string, what: string, count: number): number {
  if (!Number.isFinite(count) || count < 0) refuse(source, what, count);
  return count;
}

export function checkSeconds(source: string, what: string, seconds: number | null): number | null {
  if (seconds !== null && !(Number.isFinite(seconds) && seconds >= 0 && seconds <= 86_400))
    refuse(source, what, seconds);
  return seconds;
}

/** A label used as a word in the UI (network, version, state): short and plain, else dropped. */
export function labelWord(value: string | undefined): string | null {
  return value !== undefined && /^[\w.+-]{1,40}$/.test(value) ? value : null;
}

/**
 * Cumulative latency buckets, checked: finite positive bounds ending in +Inf, counts finite,
 * non-negative and never decreasing. An empty list (the relay exports none) stays empty.
 */
export function checkBuckets(source: string, raw: readonly Bucket[]): Bucket[] {
  if (raw.length === 0) return [];
  const buckets = [...raw].sort((a, b) => a.le - b.le);
  let previous = 0;
  for (const b of buckets) {
    if (Number.isNaN(b.le) || b.le < 0) refuse(source, 'a latency bucket bound', b.le);
    if (!Number.isFinite(b.count) || b.count < 0)
      throw new FleetValueError(`${source}: latency bucket le=${shown(b.le)} count is ${shown(b.count)}`);
    if (b.count < previous)
      throw new FleetValueError(
        `${source}: latency bucket le=${shown(b.le)} count ${shown(b.count)} is below a smaller bucket's`,
      );
    previous = b.count;
  }
  if (buckets.at(-1)!.le !== Infinity) return [];
  return buckets;
}

/**
 * At most MAX_BUCKETS cumulative buckets: dropping a bound merges its observations into the next
 * bucket, so what is kept stays exact for the bounds kept (the target's and +Inf always among them).
 */
export function summariseBuckets(buckets: readonly Bucket[], targetS: number | null): Bucket[] {
  if (buckets.length <= MAX_BUCKETS) return [...buckets];
  const must = new Set<number>([buckets.length - 1]);
  const target = targetS === null ? -1 : buckets.findIndex((b) => b.le === targetS);
  if (target >= 0) must.add(target);
  const step = (buckets.length - 1) / (MAX_BUCKETS - must.size);
  const keep = new Set(must);
  for (let i = 0; i * step < buckets.length && keep.size < MAX_BUCKETS; i++) keep.add(Math.floor(i * step));
  // Spacing may collide with the bounds that must stay; fill from the lowest bounds (the tight ones).
  for (let i = 0; i < buckets.length && keep.size < MAX_BUCKETS; i++) keep.add(i);
  return buckets.filter((_, i) => keep.has(i));
}
