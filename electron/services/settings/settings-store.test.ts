import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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

describe('SettingsStore refuses at save what the relay would refuse at start', () => {
  const invalid: Array<[string, Parameters<SettingsStore['update']>[0], string[], RegExp]> = [
    [
      'a node port past 65535',
      { upstream: { mode: 'node', bitcoinNode: '127.0.0.1:99999', network: 'mainnet' } },
      ['upstream', 'bitcoinNode'],
      /port 99999 is outside 1-65535/,
    ],
    [
      'a node host with a space',
      { upstream: { mode: 'node', bitcoinNode: 'my node:8333', network: 'mainnet' } },
      ['upstream', 'bitcoinNode'],
      /not a host name/,
    ],
    [
      'a 200,000-character node address',
      { upstream: { mode: 'node', bitcoinNode: 'a'.repeat(200_000), network: 'mainnet' } },
      ['upstream', 'bitcoinNode'],
      /2048/,
    ],
    [
      'seventeen node addresses',
      {
        upstream: {
          mode: 'node',
          bitcoinNode: Array.from({ length: 17 }, (_, i) => `10.0.0.${i}`).join(','),
          network: 'mainnet',
        },
      },
      ['upstream', 'bitcoinNode'],
      /More than 16 addresses/,
    ],
    [
      'a relative external binary path',
      { relay: { source: 'external', externalPath: 'bin/sprint' } },
      ['relay', 'externalPath'],
      /absolute path/,
    ],
    [
      'a 200,000-character external binary path',
      { relay: { source: 'external', externalPath: '/' + 'a'.repeat(200_000) } },
      ['relay', 'externalPath'],
      /4096/,
    ],
    [
      'CPU affinity past this machine (2 CPUs)',
      { overrides: { turbo: { cpus: '0-99' } } },
      ['overrides', 'turbo', 'cpus'],
      /names CPU 99 for the relay, but this machine has CPUs 0-1/,
    ],
    [
      'a probe CPU past this machine (2 CPUs)',
      { overrides: { enterprise: { cpus: '1', probeCpus: '2' } } },
      ['overrides', 'enterprise', 'probeCpus'],
      /"2" names CPU 2 for the SLA probe, but this machine has CPUs 0-1/,
    ],
    [
      'a probe CPU list that is not one',
      { overrides: { pro: { probeCpus: '0-' } } },
      ['overrides', 'pro', 'probeCpus'],
      /CPU list such as/,
    ],
    [
      'a semi-space that is not a power of two',
      { overrides: { pro: { semiSpaceMiB: 48 } } },
      ['overrides', 'pro', 'semiSpaceMiB'],
      /power of two/,
    ],
    [
      'a semi-space past its bound',
      { overrides: { pro: { semiSpaceMiB: 512 } } },
      ['overrides', 'pro', 'semiSpaceMiB'],
      /256/,
    ],
    [
      'a 200,000-character CPU list',
      { overrides: { pro: { cpus: '0,'.repeat(100_000) + '1' } } },
      ['overrides', 'pro', 'cpus'],
      /256/,
    ],
    [
      'an API key with a comma (the relay splits API_KEYS on commas)',
      { apiKey: 'abcdefgh,ijklmnopq' },
      ['apiKey'],
      /without spaces or commas/,
    ],
    ['a 200,000-character API key', { apiKey: 'k'.repeat(200_000) }, ['apiKey'], /128/],
  ];

  it.each(invalid)('%s: refused, naming the field', (_name, patch, field, message) => {
    const store = new SettingsStore(tempFile(), { cpuCount: 2 });
    const error = (() => {
      try {
        store.update(patch);
        return null;
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('SETTINGS_INVALID');
    expect((error as ApiError).message).toContain(field.join('.'));
    expect((error as ApiError).message).toMatch(message);
    expect((error as ApiError).details).toMatchObject({ issues: [{ path: field }] });
    expect((error as ApiError).message.length).toBeLessThan(1000);
  });

  it('accepts the valid neighbours of those values', () => {
    const store = new SettingsStore(tempFile(), { cpuCount: 2 });
    store.update({
      upstream: { mode: 'node', bitcoinNode: '127.0.0.1:65535,[::1]:8333,node.example', network: 'mainnet' },
      relay: { source: 'external', externalPath: '/opt/bitcoin-sprint/sprint' },
      overrides: { turbo: { cpus: '0-1' }, enterprise: { cpus: '1', probeCpus: '0', semiSpaceMiB: 256 } },
      apiKey: 'user-key-0123456789abcdef',
    });
    expect(store.get().overrides.enterprise).toEqual({ cpus: '1', probeCpus: '0', semiSpaceMiB: 256 });
    expect(store.get().overrides.turbo?.cpus).toBe('0-1');
  });

  it('reads a settings.json saved with a UTF-8 byte order mark instead of resetting it', () => {
    const file = tempFile();
    writeFileSync(file, '\uFEFF' + JSON.stringify({ tier: 'pro' }), 'utf8');
    const store = new SettingsStore(file);
    expect(store.notice).toBeNull();
    expect(store.get().tier).toBe('pro');
  });

  it('writes settings.json readable by its owner only', () => {
    const file = tempFile();
    new SettingsStore(file).update({ tier: 'pro' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
