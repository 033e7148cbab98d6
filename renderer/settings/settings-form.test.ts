import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../shared/settings';
import { fromSettings, isDirty, toPatch } from './settings-form';

describe('settings form', () => {
  const saved = defaultSettings();

  it('round-trips the saved settings without changes', () => {
    const draft = fromSettings(saved);
    expect(isDirty(draft, saved)).toBe(false);
    expect(toPatch(draft, saved)).toEqual({ ok: true, patch: {}, changed: [] });
  });

  it('patches only the sections that changed', () => {
    const draft = { ...fromSettings(saved), probeRateHz: '20', notifications: false };
    expect(toPatch(draft, saved)).toEqual({
      ok: true,
      patch: { probe: { rateHz: 20 }, notifications: false },
      changed: ['probe', 'notifications'],
    });
  });

  it('switches to a node upstream with its address', () => {
    const draft = { ...fromSettings(saved), upstreamMode: 'node' as const, bitcoinNode: ' 10.0.0.5:8333 ' };
    const result = toPatch(draft, saved);
    expect(result.ok && result.patch.upstream).toEqual({
      mode: 'node',
      bitcoinNode: '10.0.0.5:8333',
      network: 'regtest',
      demoIntervalSeconds: 10,
    });
  });

  it('puts every problem at its field, keyed by the settings path', () => {
    const draft = {
      ...fromSettings(saved),
      relaySource: 'external' as const,
      upstreamMode: 'node' as const,
      apiPort: '70000',
      probeRateHz: 'fast',
      apiKey: 'short',
    };
    const result = toPatch(draft, saved);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toMatchObject({
      'relay.externalPath': expect.stringMatching(/path to the relay binary/),
      'upstream.bitcoinNode': expect.stringMatching(/host:port/),
      apiPort: 'Must be at most 65535.',
      'probe.rateHz': 'Enter a number.',
      apiKey: 'Must be at least 16 characters.',
    });
  });

  it('rejects a node list that is not host:port', () => {
    const draft = { ...fromSettings(saved), upstreamMode: 'node' as const, bitcoinNode: 'http://node' };
    const result = toPatch(draft, saved);
    expect(!result.ok && result.errors['upstream.bitcoinNode']).toMatch(/host:port/);
  });

  it('keeps aggregates at least as long as raw samples', () => {
    const draft = { ...fromSettings(saved), rawDays: '30', aggregateDays: '10' };
    const result = toPatch(draft, saved);
    expect(!result.ok && result.errors['retention.aggregateDays']).toMatch(/at least as long/);
  });
});
