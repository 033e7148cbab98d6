import { chmodSync, mkdirSync, statSync } from 'node:fs';

/**
 * The data folder holds the history, logs, reports and settings: readable by its owner only.
 * A folder an older version created 0755 is tightened; a shared folder the user pointed at (sticky,
 * like /tmp) or someone else's is left alone, since changing it would break others.
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32') return;
  const stats = statSync(dir);
  const ours = typeof process.getuid === 'function' && stats.uid === process.getuid();
  if (ours && (stats.mode & 0o1000) === 0 && (stats.mode & 0o077) !== 0) chmodSync(dir, 0o700);
}

/** Why `dir` cannot be the data folder (it is a file, say), or null when it can be or be created. */
export function dataDirProblem(dir: string): string | null {
  try {
    if (!statSync(dir).isDirectory()) return `${dir} is a file, not a folder`;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Missing is fine (it is created); a path through a file is not.
    if (code === 'ENOTDIR') return `${dir} runs through a file, not a folder`;
    if (code !== 'ENOENT') return `${dir} cannot be read (${code ?? String(error)})`;
  }
  return null;
}
