import { performance } from 'node:perf_hooks';

/**
 * Wall-clock milliseconds with microsecond resolution. Date.now() is whole milliseconds, too coarse
 * for sub-millisecond relay latency; timeOrigin + now() keeps the wall-clock epoch so figures from the
 * relay, the demo peer and a client process can be subtracted from each other.
 */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}
