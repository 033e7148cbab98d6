import { readFileSync } from 'node:fs';

/**
 * A process told apart from a later one given the same pid: its start time in clock ticks since boot
 * (field 22 of /proc/PID/stat). Null where /proc is not there; callers then rely on the pid alone.
 */
export function processStartTicks(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after its end.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, owned by someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the process that wrote `pid` and `startTicks` is still the one running under that pid. */
export function isSameProcess(pid: number, startTicks: string | null | undefined): boolean {
  if (!isAlive(pid)) return false;
  if (startTicks === undefined || startTicks === null) return true;
  const now = processStartTicks(pid);
  return now === null || now === startTicks;
}
