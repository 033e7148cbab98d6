import { existsSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pruneStoredReports } from './stored-reports';

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
    const removed = await pruneStoredReports(dir, files[11]!, { maxCount: 5, maxBytes: 1e9 });
    expect(removed.sort()).toEqual(files.slice(0, 7).sort());
    expect(readdirSync(dir).filter((name) => !name.startsWith('.'))).toHaveLength(5);
    expect(existsSync(path.join(dir, '.in-progress.part'))).toBe(true);
  });

  it('keeps the total within maxBytes, never removing the report just written', async () => {
    const { dir, files } = folderOf(6, 100);
    // The oldest file is the one just written (a clock step back): it still stays.
    const removed = await pruneStoredReports(dir, files[0]!, { maxCount: 100, maxBytes: 250 });
    expect(removed.sort()).toEqual(files.slice(1, 5).sort());
    expect(existsSync(files[0]!)).toBe(true);
    const alone = await pruneStoredReports(dir, files[0]!, { maxCount: 100, maxBytes: 10 });
    expect(alone).toEqual([files[5]]);
    expect(existsSync(files[0]!)).toBe(true);
  });
});
