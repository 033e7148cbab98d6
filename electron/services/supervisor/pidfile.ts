import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { z } from 'zod';

const PidRecord = z.object({
  pid: z.number().int().positive(),
  marker: z.string().min(1),
  startedAt: z.number(),
});
type PidRecord = z.infer<typeof PidRecord>;

/**
 * Remembers the relay a panel started, so the next panel can stop it if the previous one died
 * without cleaning up. A stale pid is only signalled when its command line still contains the
 * marker (the relay's script or binary path): pids are reused, and a blind kill could hit anything.
 */
export class PidFile {
  constructor(private readonly filePath: string) {}

  write(record: PidRecord): void {
    writeFileSync(this.filePath, JSON.stringify(record), { mode: 0o600 });
  }

  clear(): void {
    rmSync(this.filePath, { force: true });
  }

  read(): PidRecord | null {
    try {
      const parsed = PidRecord.safeParse(JSON.parse(readFileSync(this.filePath, 'utf8')));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  /** Stops a stale relay from a previous panel; returns its pid when one was found and signalled. */
  async reapStale(readCommandLine: (pid: number) => string | null = procCommandLine): Promise<number | null> {
    const record = this.read();
    if (!record) return null;
    const commandLine = readCommandLine(record.pid);
    if (commandLine === null || !commandLine.includes(record.marker)) {
      this.clear();
      return null;
    }
    signalGroup(record.pid, 'SIGTERM');
    for (let waited = 0; waited < 3000 && readCommandLine(record.pid) !== null; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (readCommandLine(record.pid) !== null) signalGroup(record.pid, 'SIGKILL');
    this.clear();
    return record.pid;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, signal);
      return;
    } catch {
      // Not a group leader, or gone: try the pid itself, then give up.
    }
  }
}

/** The command line of a live process (Linux /proc); null when it is gone or unreadable. */
export function procCommandLine(pid: number): string | null {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // A zombie still has a /proc entry but is no longer running anything.
    if (/\) Z /.test(stat)) return null;
    return raw.split('\0').join(' ').trim();
  } catch {
    return null;
  }
}
