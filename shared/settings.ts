import { z } from 'zod';
import { TierName } from './tiers';
import { TierOverrides } from './launch';
import { BitcoinNodeList } from './node-address';
import { BitcoinNetwork } from './relay-contract';
import { ProfilesSettings } from './profile';

const port = z.number().int().min(0).max(65535);

/** POSIX `/…`, Windows `C:\…` or a UNC `\\server\share\…`: the panel never resolves a relative one. */
const absolutePath = z
  .string()
  .max(4096)
  .regex(/^(\/|[A-Za-z]:[\\/]|\\\\)/, 'an absolute path (e.g. /opt/bitcoin-sprint/sprint)')
  .regex(/^[^\0]*$/, 'no NUL characters');

/** The relay splits API_KEYS on commas and accepts printable ASCII only. */
const apiKey = z
  .string()
  .min(16)
  .max(128)
  .regex(/^[\x21-\x2b\x2d-\x7e]+$/, 'printable ASCII without spaces or commas');

/** Every user setting, with its default. A file that fails this schema is kept aside and defaults used. */
export const Settings = z.object({
  tier: TierName.default('free'),
  relay: z
    .object({
      source: z.enum(['builtin', 'external']).default('builtin'),
      externalPath: absolutePath.nullable().default(null),
    })
    .prefault({}),
  upstream: z
    .object({
      mode: z.enum(['demo', 'node']).default('demo'),
      bitcoinNode: BitcoinNodeList.nullable().default(null),
      network: BitcoinNetwork.default('regtest'),
      demoIntervalSeconds: z.number().min(0.1).max(3600).default(10),
    })
    .prefault({}),
  /** 0 picks a free port at each start; the relay's health server is always API port + 1. */
  apiPort: port.default(0),
  apiKey: apiKey.nullable().default(null),
  probe: z.object({ rateHz: z.number().min(1).max(100).default(10) }).prefault({}),
  retention: z
    .object({
      rawDays: z.number().int().min(1).max(365).default(7),
      aggregateDays: z.number().int().min(1).max(3650).default(90),
    })
    .prefault({}),
  supervisor: z
    .object({
      backoffInitialMs: z.number().int().min(10).max(60_000).default(250),
      backoffCapMs: z.number().int().min(100).max(600_000).default(30_000),
      stableUptimeMs: z.number().int().min(1000).max(3_600_000).default(60_000),
      crashLoopCount: z.number().int().min(1).max(1000).default(5),
      crashLoopWindowMs: z.number().int().min(1000).max(3_600_000).default(120_000),
      stopTimeoutMs: z.number().int().min(100).max(60_000).default(5000),
    })
    .prefault({}),
  overrides: z.partialRecord(TierName, TierOverrides).default({}),
  /** Deployment profiles (development, staging, production and the user's own). */
  profiles: ProfilesSettings.prefault({}),
  startRelayOnLaunch: z.boolean().default(false),
  startAtLogin: z.boolean().default(false),
  notifications: z.boolean().default(true),
});
export type Settings = z.infer<typeof Settings>;
export type SettingsInput = z.input<typeof Settings>;

/**
 * A top-level patch: each given section replaces the stored one. Only the keys are checked here;
 * values are validated by `applySettingsPatch` against the whole schema. (zod 4 applies defaults
 * inside `.partial()`, so `Settings.partial()` would reset every section the patch leaves out.)
 */
export type SettingsPatch = { [K in keyof Settings]?: z.input<typeof Settings>[K] };
export const SettingsPatch = z
  .object(Object.fromEntries(Object.keys(Settings.shape).map((key) => [key, z.unknown().optional()])))
  .strict() as unknown as z.ZodType<SettingsPatch, SettingsPatch>;

export function applySettingsPatch(current: Settings, patch: SettingsPatch): z.ZodSafeParseResult<Settings> {
  return Settings.safeParse({ ...current, ...patch });
}

export function defaultSettings(): Settings {
  return Settings.parse({});
}
