/**
 * The one precise wall clock: epoch milliseconds with microsecond resolution. Date.now() is whole
 * milliseconds, too coarse for sub-millisecond relay latency; timeOrigin + now() keeps the wall-clock
 * epoch, so figures taken in the relay, the demo peer, the probe and the panel subtract from each
 * other. `performance` is a global in Node and in browsers alike, so this needs no import.
 *
 * Across processes that subtraction carries each process's timeOrigin error: Node 24 fixes timeOrigin
 * during start-up, and under CPU contention 30 fresh processes spread 4.25 ms (0.32 ms quiet; `npm run
 * bench -- clock`). A block's end-to-end time (the probe's arrival less the demo peer's send) can so
 * read below zero; the probe then records none (stream-listener.ts). Anchoring each process to
 * Date.now()'s tick instead (a 5 ms spin at start-up) agreed to 0.017 ms, but made the enterprise
 * tail under contention worse in every run (tuning.int: p99.9 13–17 ms and 18–27 misses of 2,100,
 * against 2.5–5 ms and 1–5 without it), for a reason not found; it was taken out.
 */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}
