/**
 * The panel's probe against a prober in C (c-prober.c: a raw socket, a busy-wait to each slot, the
 * answer stamped at the read of its last byte, no runtime) on the same real relay in the same windows,
 * idle and under CPU load. The C prober is the floor: the panel's p50 and p90 are never below it by
 * more than 10% (or 0.05 ms), and what they read above it is the probe's own time, which the panel
 * measures and reports with every sample: less that own time, they are within 10% (or 0.05 ms) of it.
 *
 * gcc compiles the prober into a temporary directory when the test starts (no binary is committed);
 * without gcc the test says so and skips. Bounded: two 20 s windows at 50 Hz. It runs alone
 * (`npm run test:timing`): beside another test file a 0.05 ms comparison measures that file's CPU use.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe } from 'vitest';
import {
  idleAndLoadedComparisons,
  runReference,
  scheduleArgs,
  startBench,
  type Bench,
  type Slot,
} from './comparison';

const SOURCE = fileURLToPath(new URL('./c-prober.c', import.meta.url));

/** Compiles c-prober.c; null with the reason when there is no C compiler here. */
function compile(dir: string): { binary: string } | { missing: string } {
  const binary = path.join(dir, 'c-prober');
  const result = spawnSync('gcc', ['-O2', '-Wall', '-Wextra', '-Werror', '-o', binary, SOURCE], {
    encoding: 'utf8',
  });
  if (result.error)
    return { missing: `gcc is not available (${result.error.message}): install gcc to run it` };
  if (result.status !== 0) throw new Error(`c-prober.c did not compile:\n${result.stderr}`);
  return { binary };
}

let dir = '';
let compiled: { binary: string } | { missing: string } = { missing: 'not compiled yet' };
let bench: Bench | undefined;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'c-prober-'));
  compiled = compile(dir);
  if ('binary' in compiled) bench = await startBench();
}, 30_000);

afterAll(async () => {
  await bench?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function cProber(b: Bench, binary: string, durationMs: number) {
  return (start: number): Promise<Slot[]> => {
    const url = new URL(b.harness.apiUrl);
    const argv = [
      binary,
      '--port',
      url.port,
      '--path',
      '/v1/btc/latest',
      ...scheduleArgs(b, start, durationMs),
    ];
    return runReference(argv, b.priority);
  };
}

describe.skipIf(process.platform !== 'linux')('the panel’s probe against a prober in C', () => {
  idleAndLoadedComparisons({
    reference: 'C',
    floor: true,
    bench: () => bench,
    run: (b, durationMs) =>
      'binary' in compiled ? cProber(b, compiled.binary, durationMs) : () => Promise.resolve([]),
    unavailable: () => ('binary' in compiled ? null : compiled.missing),
  });
});
