import { describe, expect, it } from 'vitest';
import { ApiError, ClientMessage, COMMANDS, COMMAND_NAMES, EVENTS, describeIssues } from './index';
import type { RelayStatus } from '../relay-status';
import { Settings, SettingsPatch, applySettingsPatch, defaultSettings } from '../settings';

const validStatus: RelayStatus = {
  state: 'running',
  pid: 4242,
  startedAt: 1_700_000_000_000,
  restarts: 0,
  tier: 'free',
  lastExit: null,
  ports: { api: 8080, health: 8081 },
  message: null,
  nextRestartAt: null,
  launch: null,
  upstream: null,
  stderrTail: [],
};

describe('the API definition', () => {
  it('has the commands and events the foundation promises', () => {
    expect(COMMAND_NAMES).toEqual(
      expect.arrayContaining([
        'relay.start',
        'relay.stop',
        'relay.restart',
        'relay.status',
        'tier.get',
        'tier.set',
        'settings.get',
        'settings.set',
      ]),
    );
    expect(Object.keys(EVENTS)).toContain('relay.state');
  });

  it('rejects unknown tiers and extra fields in tier.set', () => {
    expect(COMMANDS['tier.set'].params.safeParse({ tier: 'enterprise' }).success).toBe(true);
    const unknownTier = COMMANDS['tier.set'].params.safeParse({ tier: 'platinum' });
    expect(unknownTier.success).toBe(false);
    expect(describeIssues(unknownTier.error!)).toMatch(/^tier: /);
    expect(COMMANDS['tier.set'].params.safeParse({ tier: 'pro', sudo: true }).success).toBe(false);
    expect(COMMANDS['tier.set'].params.safeParse(undefined).success).toBe(false);
  });

  it('rejects params for commands that take none, but accepts an empty or missing object', () => {
    expect(COMMANDS['relay.start'].params.safeParse({}).success).toBe(true);
    expect(COMMANDS['relay.start'].params.safeParse(undefined).success).toBe(true);
    expect(COMMANDS['relay.start'].params.safeParse({ force: true }).success).toBe(false);
    expect(COMMANDS['relay.start'].params.safeParse('start').success).toBe(false);
  });

  it('validates relay.state payloads: states, pids and tiers', () => {
    expect(EVENTS['relay.state'].safeParse(validStatus).success).toBe(true);
    expect(EVENTS['relay.state'].safeParse({ ...validStatus, state: 'exploded' }).success).toBe(false);
    expect(EVENTS['relay.state'].safeParse({ ...validStatus, pid: -1 }).success).toBe(false);
    expect(EVENTS['relay.state'].safeParse({ ...validStatus, tier: 'gold' }).success).toBe(false);
    expect(EVENTS['relay.state'].safeParse({ ...validStatus, lastExit: { code: 1 } }).success).toBe(false);
  });

  it('accepts well-formed wire messages and rejects malformed ones', () => {
    expect(ClientMessage.safeParse({ id: 1, method: 'relay.start', params: {} }).success).toBe(true);
    expect(ClientMessage.safeParse({ id: 7, cancel: true }).success).toBe(true);
    for (const bad of [
      { method: 'relay.start' },
      { id: -1, method: 'relay.start' },
      { id: 1.5, method: 'relay.start' },
      { id: 1, method: '' },
      { id: 1, method: 'x'.repeat(65) },
      { id: 1, method: 'relay.start', extra: 1 },
      { id: 1, cancel: false },
      null,
      [],
    ]) {
      expect(ClientMessage.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('round-trips ApiError through its wire shape with code, message and details', () => {
    const error = new ApiError('PORT_IN_USE', 'Port 8080 is in use', { port: 8080 });
    const back = ApiError.from(JSON.parse(JSON.stringify(error)) as ReturnType<ApiError['toJSON']>);
    expect(back).toBeInstanceOf(ApiError);
    expect(back.code).toBe('PORT_IN_USE');
    expect(back.message).toBe('Port 8080 is in use');
    expect(back.details).toEqual({ port: 8080 });
  });
});

describe('settings', () => {
  it('fills every default from nothing', () => {
    const settings = defaultSettings();
    expect(settings.tier).toBe('free');
    expect(settings.probe.rateHz).toBe(10);
    expect(settings.retention).toEqual({ rawDays: 7, aggregateDays: 90 });
    expect(settings.supervisor.crashLoopCount).toBe(5);
  });

  it('patches one section without resetting the others', () => {
    const current = { ...defaultSettings(), tier: 'turbo' as const, notifications: false };
    const result = applySettingsPatch(current, { probe: { rateHz: 20 } });
    expect(result.success).toBe(true);
    expect(result.data?.tier).toBe('turbo');
    expect(result.data?.notifications).toBe(false);
    expect(result.data?.probe.rateHz).toBe(20);
  });

  it('names the offending field of a bad patch', () => {
    const result = applySettingsPatch(defaultSettings(), { probe: { rateHz: 5000 } });
    expect(result.success).toBe(false);
    expect(describeIssues(result.error!)).toMatch(/^probe\.rateHz: /);
    expect(SettingsPatch.safeParse({ colour: 'red' }).success).toBe(false);
    expect(Settings.safeParse({ overrides: { turbo: { cpus: 'all' } } }).success).toBe(false);
  });
});
