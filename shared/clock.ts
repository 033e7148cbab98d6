/**
 * The one precise wall clock: epoch milliseconds with microsecond resolution, the same in every
 * process on this machine, so figures taken in the relay, the demo peer, the probe and the panel
 * subtract from each other (a block's end-to-end time is the demo peer's send time taken from the
 * probe's arrival time).
 *
 * Date.now() is whole milliseconds, too coarse for sub-millisecond relay latency. The obvious
 * `performance.timeOrigin + performance.now()` is not the same in every process: Node 24 fixes
 * timeOrigin during start-up, and a start on a loaded machine put it 2.6 and 5.6 ms off the wall
 * clock in 2 of 30 processes (two busy loops and a real-time one on the two cores; 0.02–0.4 ms in the
 * rest). One block's end-to-end time read below zero that way and the report refused to export. So each
 * process anchors its monotonic clock to Date.now() itself, once, at the instant Date.now() ticks
 * (wallClockAnchor). `performance` is a global in Node and in browsers alike, so this needs no import.
 *
 * A wall-clock step after the anchor (an NTP correction) is not followed, as timeOrigin was not.
 */

/** Edges sampled; each waits at most 1 ms for Date.now() to tick. */
const EDGE_SAMPLES = 5;
/** The anchor's whole cost is bounded: a process that cannot sample an edge in time falls back. */
const CALIBRATION_BUDGET_MS = 25;

export interface AnchorClocks {
  /** Whole epoch milliseconds (Date.now). */
  readonly wall: () => number;
  /** A monotonic clock in ms from any origin (performance.now). */
  readonly mono: () => number;
}

/**
 * The epoch time of `mono`'s zero: wall = anchor + mono. Reading mono (m), then the wall (w), then
 * again until the wall reads a new millisecond w2, then mono once more (after): at m the wall was
 * below w + 1, at `after` it was w2 or past, so the anchor lies in [w2 − after, w + 1 − m). Every
 * sample narrows that interval; the middle of what remains is the answer, within a few microseconds
 * unless the process was preempted between reads (that sample is wide and narrows nothing).
 * Returns null when no edge could be sampled within the budget (a wall clock that does not move).
 */
export function wallClockAnchor(clocks: AnchorClocks, budgetMs = CALIBRATION_BUDGET_MS): number | null {
  let low = -Infinity;
  let high = Infinity;
  const deadline = clocks.mono() + budgetMs;
  for (let taken = 0; taken < EDGE_SAMPLES; taken++) {
    let m = clocks.mono();
    let w = clocks.wall();
    for (;;) {
      const m2 = clocks.mono();
      const w2 = clocks.wall();
      if (w2 !== w) {
        const after = clocks.mono();
        const sampleLow = w2 - after;
        const sampleHigh = w + 1 - m;
        // Intervals that do not meet mean the wall clock was set meanwhile: the newest edge stands.
        const meets = Math.max(low, sampleLow) <= Math.min(high, sampleHigh);
        low = meets ? Math.max(low, sampleLow) : sampleLow;
        high = meets ? Math.min(high, sampleHigh) : sampleHigh;
        break;
      }
      if (m2 > deadline) return taken > 0 ? (low + high) / 2 : null;
      m = m2;
      w = w2;
    }
  }
  return (low + high) / 2;
}

/**
 * Anchored once, when this module loads (up to 5 ms; 25 at most), so that no reading on a measured
 * path (a block's arrival, a probe's send) waits for it.
 */
const anchor =
  wallClockAnchor({ wall: () => Date.now(), mono: () => performance.now() }) ?? performance.timeOrigin;

/** Epoch ms with microsecond resolution, consistent across this machine's processes (see above). */
export function nowMs(): number {
  return anchor + performance.now();
}
