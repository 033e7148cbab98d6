import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { diskFullError, isDiskFull } from '../util/disk-full';
import os from 'node:os';
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

  /** The machine's CPU count: a CPU list naming CPUs past it is refused (the schema cannot know it). */
  private readonly cpuCount: number;

  constructor(
    readonly filePath: string,
    options: { cpuCount?: number } = {},
  ) {
    this.cpuCount = options.cpuCount ?? (os.cpus().length || os.availableParallelism());
    mkdirSync(path.dirname(filePath), { recursive: true, mode: 0o700 });
    const loaded = loadSettingsFile(filePath);
    this.current = loaded.settings;
    this.notice = loaded.notice;
  }

  get(): Settings {
    return this.current;
  }

  update(patch: SettingsPatch): Settings {
    const result = applySettingsPatch(this.current, patch);
    const issues = result.success
      ? cpuListIssues(result.data, this.cpuCount)
      : result.error.issues.map((issue) => ({
          path: issue.path.map((part) => (typeof part === 'number' ? part : String(part))),
          message: issue.message,
        }));
    if (!result.success || issues.length > 0) {
      // The field paths travel as data too, so the UI can put each message under its own field.
      const sentence = issues
        .slice(0, 5)
        .map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`)
        .join('; ');
      throw new ApiError('SETTINGS_INVALID', `Settings not saved: ${sentence}`, { issues });
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

interface SettingsIssue {
  readonly path: Array<string | number>;
  readonly message: string;
}

/**
 * CPU-list overrides (the relay's `cpus`, the probe's `probeCpus`) may only name CPUs this machine
 * has (a 2-CPU machine has CPUs 0 and 1).
 */
function cpuListIssues(settings: Settings, cpuCount: number): SettingsIssue[] {
  const issues: SettingsIssue[] = [];
  for (const [tier, overrides] of Object.entries(settings.overrides)) {
    for (const field of ['cpus', 'probeCpus'] as const) {
      const list = overrides?.[field];
      if (!list) continue;
      const highest = Math.max(...list.split(/[,-]/).map(Number));
      if (highest >= cpuCount) {
        const whose = field === 'cpus' ? 'the relay' : 'the SLA probe';
        issues.push({
          path: ['overrides', tier, field],
          message: `"${list}" names CPU ${highest} for ${whose}, but this machine has CPUs 0-${cpuCount - 1}`,
        });
      }
    }
  }
  return issues;
}

function loadSettingsFile(filePath: string): { settings: Settings; notice: SettingsLoadNotice | null } {
  if (!existsSync(filePath)) return { settings: defaultSettings(), notice: null };
  let problem: string;
  try {
    // Windows editors (Notepad) save UTF-8 with a byte order mark, which JSON.parse rejects.
    const text = readFileSync(filePath, 'utf8').replace(/^\uFEFF/, '');
    const parsed = Settings.safeParse(JSON.parse(text));
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
  try {
    writeFileSync(temporary, text, { mode: 0o600 });
    renameSync(temporary, filePath);
  } catch (error) {
    // A full disk leaves a 0-byte temporary behind; the settings in effect stay those on disk.
    rmSync(temporary, { force: true });
    if (isDiskFull(error)) throw diskFullError(path.dirname(filePath), 'settings not saved');
    throw error;
  }
}
