import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nearestRank } from '../shared/percentile';

/** Median of a sample (the figure to quote on a noisy machine), and a nearest-rank percentile. */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export function percentile(values: readonly number[], p: number): number {
  return (
    nearestRank(
      [...values].sort((a, b) => a - b),
      p / 100,
    ) ?? Number.NaN
  );
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `sprint-bench-${prefix}-`));
}

/** The bundled processes, next to the bench bundle in dist/. */
export function distFile(relative: string): string {
  return fileURLToPath(new URL(`../${relative}`, import.meta.url));
}
