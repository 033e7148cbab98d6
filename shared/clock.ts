/**
 * The one precise wall clock: epoch milliseconds with microsecond resolution. Date.now() is whole
 * milliseconds, too coarse for sub-millisecond relay latency; timeOrigin + now() keeps the wall-clock
 * epoch, so figures taken in the relay, the demo peer, the probe and the panel subtract from each
 * other. `performance` is a global in Node and in browsers alike, so this needs no import.
 */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}
