import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { nowMs } from '../shared/clock';
import { CpuContention } from '../electron/services/sla-test/contention';
import { distFile, median } from './support';
import type { BenchRow } from './types';

/** The flag run.mjs answers by printing one process's clock offset (printClockOffset). */
export const CLOCK_SAMPLE_FLAG = '--clock-sample';
const PROCESSES = 30;

/**
 * In a fresh process, on stdout: how far nowMs() reads from the wall clock here. At the instant
 * Date.now() ticks to a new millisecond, nowMs() reads that millisecond plus the time it took to
 * notice; the least of many such readings is the clock's own offset (plus a detection lag common to
 * all processes).
 */
export function printClockOffset(): void {
  let least = Infinity;
  for (let sample = 0; sample < 200; sample++) {
    const start = Date.now();
    let edge = start;
    while (edge === start) edge = Date.now();
    least = Math.min(least, nowMs() - edge);
  }
  process.stdout.write(`${least}\n`);
}

function sampleProcess(): Promise<number> {
  const script = fileURLToPath(new URL('./run.mjs', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, CLOCK_SAMPLE_FLAG], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(Number(output)) : reject(new Error(`clock sample exited ${code}`)),
    );
  });
}

/** The spread of offsets across processes: how far two processes' readings of one instant disagree. */
function spread(values: readonly number[]): { spread: number; worst: number } {
  const middle = median(values);
  return {
    spread: Math.max(...values) - Math.min(...values),
    worst: Math.max(...values.map((v) => Math.abs(v - middle))),
  };
}

/**
 * Cross-process clock agreement (shared/clock.ts): 30 fresh processes each read nowMs() against
 * Date.now(), on a quiet machine and under CPU contention (two busy processes per core). A block's
 * end-to-end time subtracts two processes' readings, so their disagreement is its error.
 */
export async function runClockBench() {
  const rows: BenchRow[] = [];
  const raw: Record<string, number[]> = {};
  for (const loaded of [false, true]) {
    const contention = loaded
      ? new CpuContention({ execPath: process.execPath, script: distFile('relay/busy.mjs'), maxSeconds: 120 })
      : null;
    await contention?.start();
    const offsets: number[] = [];
    try {
      for (let i = 0; i < PROCESSES; i++) offsets.push(await sampleProcess());
    } finally {
      await contention?.stop();
    }
    const label = loaded ? 'under contention' : 'quiet';
    raw[label] = offsets;
    const clock = spread(offsets);
    rows.push(
      { metric: `nowMs(): worst process off the median, ${label}`, value: clock.worst, unit: 'ms' },
      { metric: `nowMs(): spread over ${PROCESSES} processes, ${label}`, value: clock.spread, unit: 'ms' },
    );
  }
  return { title: 'Clock agreement across processes (shared/clock.ts)', rows, raw };
}
