import { readdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';

/** How many exported reports the reports folder keeps, and how many bytes in all. */
export interface StoredReportLimits {
  readonly maxCount: number;
  readonly maxBytes: number;
  /**
   * A report younger than this is never removed: another export finishing at the same moment is
   * still handing its file to its caller (600 concurrent exports lost 7 files to ENOENT otherwise).
   * The folder may exceed its limits for this long; the next export after it prunes them.
   */
  readonly minAgeMs: number;
}

export const STORED_REPORT_LIMITS: StoredReportLimits = {
  maxCount: 50,
  maxBytes: 200 * 1024 * 1024,
  minAgeMs: 10 * 60_000,
};

/**
 * Keeps the reports folder within its limits by removing the oldest reports first. The report just
 * written is never removed, even when it alone is over the byte limit. Files being written (hidden
 * temporaries) are not reports yet and are left to their writer.
 */
export async function pruneStoredReports(
  dir: string,
  keep: string,
  limits: StoredReportLimits = STORED_REPORT_LIMITS,
  now = Date.now(),
): Promise<string[]> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((name) => !name.startsWith('.'));
  const files = (
    await Promise.all(
      names.map(async (name) => {
        const file = path.join(dir, name);
        const info = await stat(file).catch(() => null);
        return info?.isFile() ? { file, size: info.size, mtimeMs: info.mtimeMs } : null;
      }),
    )
  ).filter((entry) => entry !== null);
  // Newest first; the one just written leads whatever its timestamp.
  files.sort((a, b) => Number(b.file === keep) - Number(a.file === keep) || b.mtimeMs - a.mtimeMs);
  const removed: string[] = [];
  let bytes = 0;
  files.forEach((entry, index) => {
    bytes += entry.size;
    const fresh = now - entry.mtimeMs < limits.minAgeMs;
    if (index > 0 && !fresh && (index >= limits.maxCount || bytes > limits.maxBytes))
      removed.push(entry.file);
  });
  await Promise.all(removed.map((file) => unlink(file).catch(() => undefined)));
  return removed;
}
