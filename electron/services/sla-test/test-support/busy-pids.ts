import { readFileSync, readdirSync } from 'node:fs';

/** Pids of the contention's busy processes still alive (Linux /proc): a test ends with none left. */
export function busyPids(): string[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('busy.mjs');
      } catch {
        return false;
      }
    });
}
