import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { z } from 'zod';

const PidRecord = z.object({
  pid: z.number().int().positive(),
  marker: z.string().min(1).max(4096),
  startedAt: z.number(),
  /**
   * The process's start time as the OS counts it (Linux: /proc/PID/stat field 22, clock ticks since
   * boot). Unlike the pid, it is not reused: a different start time is a different process.
   */
  startTime: z
    .string()
    .regex(/^\d{1,20}$/)
    .nullable()
    .optional(),
});
type PidRecord = z.infer<typeof PidRecord>;

/** Who a live pid is now; null when the process is gone, a zombie, or cannot be read. */
export interface ProcessIdentity {
  readonly commandLine: string;
  /** Null where the OS gives none we can read. */
  readonly startTime: string | null;
}

/**
 * Remembers the relay a panel started, so the next panel can stop it if the previous one died
 * without cleaning up. A stale pid is only signalled when its command line still contains the
 * marker (the relay's script or binary path) AND its start time is the recorded one: pids are
 * reused, a hand-edited file could name anything, and a blind kill could hit anything.
 *
 * Reading a process's identity needs /proc (Linux). Elsewhere nothing is ever signalled: there the
 * relay's parent watch (stdin closing when the panel dies) is what ends a relay left behind.
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
  async reapStale(identify: (pid: number) => ProcessIdentity | null = procIdentity): Promise<number | null> {
    const record = this.read();
    if (!record) return null;
    const isTheRelay = (): boolean => {
      const now = identify(record.pid);
      return (
        now !== null &&
        now.commandLine.includes(record.marker) &&
        // No recorded or readable start time: the process cannot be told from a reused pid.
        typeof record.startTime === 'string' &&
        now.startTime === record.startTime
      );
    };
    if (!isTheRelay()) {
      this.clear();
      return null;
    }
    signalGroup(record.pid, 'SIGTERM');
    for (let waited = 0; waited < 3000 && isTheRelay(); waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (isTheRelay()) signalGroup(record.pid, 'SIGKILL');
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

/** Command line and start time of a live process from Linux /proc; null when gone or unreadable. */
export function procIdentity(pid: number): ProcessIdentity | null {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses; fields after its last ')' do not.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // A zombie still has a /proc entry but is no longer running anything.
    if (fields[0] === 'Z') return null;
    return { commandLine: raw.split('\0').join(' ').trim(), startTime: fields[19] ?? null };
  } catch {
    return null;
  }
}

/** The command line of a live process (Linux /proc); null when it is gone or unreadable. */
export function procCommandLine(pid: number): string | null {
  return procIdentity(pid)?.commandLine ?? null;
}

/** The start time to record for a just-spawned pid (field 22 of /proc/PID/stat); null elsewhere. */
export function procStartTime(pid: number): string | null {
  return procIdentity(pid)?.startTime ?? null;
}
