import { existsSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { AtomicFile } from './atomic-file';
import { pruneStoredReports, STORED_REPORT_LIMITS } from './stored-reports';

function folderOf(count: number, bytes: number): { dir: string; files: string[] } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sprint-reports-'));
  const files = Array.from({ length: count }, (_, index) => {
    const file = path.join(dir, `report-${index}.csv`);
    writeFileSync(file, 'x'.repeat(bytes));
    // Older index, older file.
    utimesSync(file, 1_700_000_000 + index, 1_700_000_000 + index);
    return file;
  });
  return { dir, files };
}

describe('pruneStoredReports', () => {
  it('keeps at most maxCount reports, removing the oldest', async () => {
    const { dir, files } = folderOf(12, 10);
    writeFileSync(path.join(dir, '.in-progress.part'), 'partial');
    const removed = await pruneStoredReports(dir, files[11]!, { maxCount: 5, maxBytes: 1e9, minAgeMs: 0 });
    expect(removed.sort()).toEqual(files.slice(0, 7).sort());
    expect(readdirSync(dir).filter((name) => !name.startsWith('.'))).toHaveLength(5);
    expect(existsSync(path.join(dir, '.in-progress.part'))).toBe(true);
  });

  it('keeps the total within maxBytes, never removing the report just written', async () => {
    const { dir, files } = folderOf(6, 100);
    // The oldest file is the one just written (a clock step back): it still stays.
    const removed = await pruneStoredReports(dir, files[0]!, { maxCount: 100, maxBytes: 250, minAgeMs: 0 });
    expect(removed.sort()).toEqual(files.slice(1, 5).sort());
    expect(existsSync(files[0]!)).toBe(true);
    const alone = await pruneStoredReports(dir, files[0]!, { maxCount: 100, maxBytes: 10, minAgeMs: 0 });
    expect(alone).toEqual([files[5]]);
    expect(existsSync(files[0]!)).toBe(true);
  });

  it("200 concurrent exports: none loses its file to another one's pruning; the limit holds later", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sprint-reports-'));
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, async (_, index) => {
        const file = AtomicFile.create(dir, `report-${index}.csv`);
        await file.write(`row ${index}\n`);
        const { path: written } = await file.commit();
        await pruneStoredReports(dir, written);
        // The caller hands its file over after pruning (a download, a copy).
        return readFile(written, 'utf8').then(
          (text) => (text === `row ${index}\n` ? 'ok' : 'wrong'),
          (error: NodeJS.ErrnoException) => error.code ?? 'error',
        );
      }),
    );
    expect(outcomes.filter((o) => o !== 'ok')).toEqual([]);
    // Once they are older than minAgeMs, the next prune brings the folder back within its limit.
    const later = Date.now() + STORED_REPORT_LIMITS.minAgeMs + 1000;
    await pruneStoredReports(dir, path.join(dir, 'report-0.csv'), STORED_REPORT_LIMITS, later);
    expect(readdirSync(dir).filter((name) => !name.startsWith('.'))).toHaveLength(
      STORED_REPORT_LIMITS.maxCount,
    );
  }, 60_000);
});
