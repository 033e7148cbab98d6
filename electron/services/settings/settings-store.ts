import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { ApiError, describeIssues } from '../../../shared/api';
import { applySettingsPatch, defaultSettings, Settings, type SettingsPatch } from '../../../shared/settings';

export interface SettingsLoadNotice {
  /** Set when the stored file was unreadable or invalid and was kept aside. */
  readonly backupPath: string;
  readonly problem: string;
}

/**
 * Settings in one JSON file under the data folder. Writes are atomic (temp file + rename) so a crash
 * mid-write never leaves half a file; a corrupt or invalid file is renamed aside, never overwritten,
 * and defaults are used, with a notice for the user.
 */
export class SettingsStore {
  private current: Settings;
  readonly notice: SettingsLoadNotice | null;
  private readonly listeners = new Set<(settings: Settings) => void>();

  constructor(readonly filePath: string) {
    mkdirSync(path.dirname(filePath), { recursive: true });
    const loaded = loadSettingsFile(filePath);
    this.current = loaded.settings;
    this.notice = loaded.notice;
  }

  get(): Settings {
    return this.current;
  }

  update(patch: SettingsPatch): Settings {
    const result = applySettingsPatch(this.current, patch);
    if (!result.success) {
      // The field paths travel as data too, so the UI can put each message under its own field.
      const issues = result.error.issues.map((issue) => ({
        path: issue.path.map((part) => (typeof part === 'number' ? part : String(part))),
        message: issue.message,
      }));
      throw new ApiError('SETTINGS_INVALID', `Settings not saved: ${describeIssues(result.error)}`, {
        issues,
      });
    }
    writeAtomically(this.filePath, JSON.stringify(result.data, null, 2));
    this.current = result.data;
    for (const listener of this.listeners) listener(result.data);
    return result.data;
  }

  onChange(listener: (settings: Settings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

function loadSettingsFile(filePath: string): { settings: Settings; notice: SettingsLoadNotice | null } {
  if (!existsSync(filePath)) return { settings: defaultSettings(), notice: null };
  let problem: string;
  try {
    const parsed = Settings.safeParse(JSON.parse(readFileSync(filePath, 'utf8')));
    if (parsed.success) return { settings: parsed.data, notice: null };
    problem = `invalid values (${describeIssues(parsed.error)})`;
  } catch (error) {
    problem = `unreadable (${error instanceof Error ? error.message : String(error)})`;
  }
  const backupPath = `${filePath}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  renameSync(filePath, backupPath);
  return { settings: defaultSettings(), notice: { backupPath, problem } };
}

function writeAtomically(filePath: string, text: string): void {
  const temporary = `${filePath}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode: 0o600 });
  renameSync(temporary, filePath);
}
