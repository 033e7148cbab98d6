import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { FleetEntry, MAX_FLEET_ENTRIES } from '../../../shared/fleet';

const FleetFile = z.object({ entries: z.array(FleetEntry).max(MAX_FLEET_ENTRIES) });

/** The fleet's remote entries (no secrets: those live in SecretStore) in fleet.json, written atomically. */
export class FleetStore {
  private entries: FleetEntry[] = [];

  constructor(readonly filePath: string) {
    mkdirSync(path.dirname(filePath), { recursive: true });
    if (!existsSync(filePath)) return;
    try {
      const parsed = FleetFile.safeParse(JSON.parse(readFileSync(filePath, 'utf8')));
      if (parsed.success) this.entries = parsed.data.entries;
      else renameSync(filePath, `${filePath}.invalid-${Date.now()}`);
    } catch {
      renameSync(filePath, `${filePath}.invalid-${Date.now()}`);
    }
  }

  list(): readonly FleetEntry[] {
    return this.entries;
  }

  add(entry: FleetEntry): void {
    this.entries = [...this.entries, entry];
    this.save();
  }

  remove(id: string): boolean {
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => e.id !== id);
    if (this.entries.length === before) return false;
    this.save();
    return true;
  }

  private save(): void {
    const temp = `${this.filePath}.tmp`;
    writeFileSync(temp, `${JSON.stringify({ entries: this.entries }, null, 2)}\n`);
    renameSync(temp, this.filePath);
  }
}
