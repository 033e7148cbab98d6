/**
 * The panel's probe against an independent prober (prober.mjs: no shared code, its own HTTP client,
 * busy-waits to each send) on the same real relay in the same windows: idle, under CPU load from busy
 * processes, and across a 400 ms SIGSTOP of the relay. The panel's figures must be the prober's.
 *
 * Bounded: three windows of PHASE_MS / PHASE_MS / STALL_PHASE_MS at 50 Hz (about 60 s in all). It runs
 * alone (`npm run test:timing`, after the rest of the suite): beside another test file, a 0.05 ms p90
 * comparison measures that file's CPU use, not the probe. The relay, the panel's probe, the windows and
 * the comparison are comparison.ts's, shared with the C prober's test.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  INTERVAL_MS,
  RATE_HZ,
  TARGET_MS,
  idleAndLoadedComparisons,
  runReference,
  scheduleArgs,
  sleep,
  startBench,
  type Bench,
  type Slot,
} from './comparison';

const PROBER = fileURLToPath(new URL('./prober.mjs', import.meta.url));
const STALL_PHASE_MS = 4000;
const STALL_MS = 400;

const misses = (slots: readonly Slot[]) => slots.filter((s) => !s.ok || s.fromIntendedMs > TARGET_MS).length;

function nodeProber(b: Bench, durationMs: number) {
  return (start: number): Promise<Slot[]> =>
    runReference(
      [
        process.execPath,
        PROBER,
        '--url',
        `${b.harness.apiUrl}/v1/btc/latest`,
        ...scheduleArgs(b, start, durationMs),
      ],
      b.priority,
    );
}

let bench: Bench;

beforeAll(async () => {
  bench = await startBench();
}, 30_000);

afterAll(async () => {
  await bench?.stop();
});

describe.skipIf(process.platform === 'win32')('the panel’s probe against an independent prober', () => {
  idleAndLoadedComparisons({ reference: 'independent', bench: () => bench, run: nodeProber });

  it('a 400 ms SIGSTOP of the relay is counted within ±20% by both', { timeout: 30_000 }, async () => {
    let stoppedAt = 0;
    let resumedAt = 0;
    const { own, independent } = await bench.window(
      STALL_PHASE_MS,
      nodeProber(bench, STALL_PHASE_MS),
      async (start) => {
        await sleep(start + 1500 - Date.now());
        stoppedAt = Date.now();
        process.kill(bench.harness.relayPid, 'SIGSTOP');
        await sleep(STALL_MS);
        process.kill(bench.harness.relayPid, 'SIGCONT');
        resumedAt = Date.now();
      },
    );
    // Misses of the slots the stall met (and the backlog just after it) only: elsewhere a busy shared
    // machine may add a stray slow sample to either side.
    const near = (slots: readonly Slot[]) =>
      slots.filter((s) => s.t >= stoppedAt - 50 && s.t < resumedAt + 100);
    const a = misses(near(own));
    const b = misses(near(independent));
    console.log(
      `stall: panel ${a} misses, independent ${b} misses (${STALL_MS / INTERVAL_MS} slots stalled)`,
    );
    const expected = STALL_MS / INTERVAL_MS;
    expect(a).toBeGreaterThanOrEqual(expected * 0.8);
    expect(b).toBeGreaterThanOrEqual(expected * 0.8);
    expect(Math.abs(a - b)).toBeLessThanOrEqual(0.2 * Math.max(a, b));
    // Every slot is accounted for on both sides, stall or not.
    expect(own).toHaveLength((RATE_HZ * STALL_PHASE_MS) / 1000);
    expect(independent).toHaveLength((RATE_HZ * STALL_PHASE_MS) / 1000);
  });
});
