import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { TuneResult } from '../../../shared/tuning';

/** Runs kept; the oldest go first. A run is a few kilobytes, so the file stays well under a megabyte. */
export const MAX_STORED_RUNS = 20;
/** A file larger than this is not ours (or is damaged): set aside rather than parsed. */
const MAX_FILE_BYTES = 4 * 1024 * 1024;

const StoredRuns = z.object({ version: z.literal(1), runs: z.array(z.unknown()).max(1000) });

/**
 * Tuning runs under the data folder, each with the machine it was measured on. A damaged file is
 * renamed aside (never overwritten: no data lost) and the store starts empty; a run that no longer
 * parses is dropped with the others kept.
 */
export class TuningStore {
  private runs: TuneResult[];
  /** Set when the file could not be read; shown once, then cleared. */
  notice: string | null = null;

  constructor(private readonly file: string) {
    this.runs = this.load();
  }

  list(): readonly TuneResult[] {
    return this.runs;
  }

  latest(): TuneResult | null {
    return this.runs.at(-1) ?? null;
  }

  find(id: string): TuneResult | null {
    return this.runs.find((run) => run.id === id) ?? null;
  }

  add(run: TuneResult): void {
    this.runs = [...this.runs, run].slice(-MAX_STORED_RUNS);
    mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const temp = `${this.file}.tmp`;
    writeFileSync(temp, JSON.stringify({ version: 1, runs: this.runs }), { mode: 0o600 });
    renameSync(temp, this.file);
  }

  private load(): TuneResult[] {
    if (!existsSync(this.file)) return [];
    try {
      const text = readFileSync(this.file, 'utf8');
      if (text.length > MAX_FILE_BYTES) throw new Error(`larger than ${MAX_FILE_BYTES} bytes`);
      const stored = StoredRuns.parse(JSON.parse(text));
      return stored.runs
        .flatMap((run) => {
          const parsed = TuneResult.safeParse(run);
          return parsed.success ? [parsed.data] : [];
        })
        .slice(-MAX_STORED_RUNS);
    } catch (error) {
      const aside = `${this.file}.unreadable-${Date.now()}`;
      renameSync(this.file, aside);
      this.notice = `Stored tuning runs could not be read (${error instanceof Error ? error.message : String(error)}); kept as ${path.basename(aside)}.`;
      return [];
    }
  }
}
