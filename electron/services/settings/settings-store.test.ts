import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/api';
import { SettingsStore } from './settings-store';

const tempFile = () => path.join(mkdtempSync(path.join(os.tmpdir(), 'sprint-settings-')), 'settings.json');

describe('SettingsStore', () => {
  it('persists an update and reads it back in a new store', () => {
    const file = tempFile();
    new SettingsStore(file).update({ tier: 'business', notifications: false });
    const reopened = new SettingsStore(file);
    expect(reopened.get().tier).toBe('business');
    expect(reopened.get().notifications).toBe(false);
    expect(reopened.notice).toBeNull();
  });

  it('keeps a corrupt file aside, uses defaults and says what was wrong', () => {
    const file = tempFile();
    writeFileSync(file, '{"tier": "pro", "probe": {"rateHz": ');
    const store = new SettingsStore(file);
    expect(store.get().tier).toBe('free');
    expect(store.notice?.problem).toMatch(/unreadable/);
    expect(readFileSync(store.notice!.backupPath, 'utf8')).toContain('"tier": "pro"');
    expect(existsSync(file)).toBe(false);
  });

  it('keeps a schema-invalid file aside too, naming the field', () => {
    const file = tempFile();
    writeFileSync(file, JSON.stringify({ tier: 'platinum' }));
    const store = new SettingsStore(file);
    expect(store.notice?.problem).toMatch(/tier/);
    expect(readdirSync(path.dirname(file)).some((name) => name.includes('.corrupt-'))).toBe(true);
  });

  it('refuses an invalid update with SETTINGS_INVALID and keeps the stored file unchanged', () => {
    const file = tempFile();
    const store = new SettingsStore(file);
    store.update({ tier: 'pro' });
    const before = readFileSync(file, 'utf8');
    expect(() => store.update({ apiPort: 70000 })).toThrow(ApiError);
    const error = (() => {
      try {
        store.update({ probe: { rateHz: 0 } });
        return null;
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).details).toEqual({
      issues: [{ path: ['probe', 'rateHz'], message: expect.any(String) }],
    });
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(store.get().apiPort).toBe(0);
  });
});
