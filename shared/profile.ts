import { z } from 'zod';
import { TierOverrides } from './launch';
import { TierName, TIERS } from './tiers';
import { KNOB_TABLE } from './knobs';

/**
 * The seed's configuration file (Bitcoin Sprint's `config.json`: a tier and its
 * `performance_optimizations`) and the panel's deployment profiles, which are that file plus a name.
 * Pure: parsing, conversion to and from the panel's per-tier overrides, and which profile is active.
 */

/** A missing key says so; anything else says what the key wants. */
const wants = (what: string) => (issue: { input: unknown }) =>
  issue.input === undefined ? 'is required' : `must be ${what}`;
/** Go's GOGC convention: -1 turns the collector off. 0 (collect continuously) is refused on purpose. */
const gcPercent = z
  .number({ error: wants('a number') })
  .int({ error: 'must be a whole number' })
  .min(-1, { error: 'must be between -1 and 1000' })
  .max(1000, { error: 'must be between -1 and 1000' })
  .refine((value) => value !== 0, { error: 'must be -1 (off) or between 1 and 1000; 0 is not accepted' });

const flag = z.boolean({ error: wants('true or false') });

export const PerformanceOptimizations = z
  .object({
    gc_percent: gcPercent,
    /** 0 = auto-detect: every CPU the relay may run on, as the seed does. */
    max_cpu_cores: z
      .number({ error: wants('a number') })
      .int({ error: 'must be a whole number' })
      .min(0, { error: 'must be between 0 and 1024' })
      .max(1024, { error: 'must be between 0 and 1024' }),
    high_priority: flag,
    lock_os_thread: flag,
    prealloc_buffers: flag,
    optimize_system: flag,
  })
  .strict();
export type PerformanceOptimizations = z.infer<typeof PerformanceOptimizations>;

export const SeedConfig = z
  .object({ tier: TierName, performance_optimizations: PerformanceOptimizations })
  .strict();
export type SeedConfig = z.infer<typeof SeedConfig>;

export const PROFILE_NAME_MAX = 64;
export const PROFILES_MAX = 32;
export const ProfileName = z
  .string()
  .trim()
  .min(1, { error: 'must not be empty' })
  .max(PROFILE_NAME_MAX, { error: `must be at most ${PROFILE_NAME_MAX} characters` })
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u, {
    error: 'letters, digits, spaces, dots, dashes and underscores, starting with a letter or digit',
  });

/** A named profile as a file: the seed's shape plus its name. */
export const ProfileFile = SeedConfig.extend({ name: ProfileName }).strict();
export type ProfileFile = z.infer<typeof ProfileFile>;

/** A deployment profile as settings keep it: a tier and the overrides that go with it. */
export const DeploymentProfile = z
  .object({ name: ProfileName, tier: TierName, overrides: TierOverrides })
  .strict();
export type DeploymentProfile = z.infer<typeof DeploymentProfile>;

/** The seed's "Development vs Production": standard, high and maximum optimizations. */
export const BUILTIN_PROFILES: readonly DeploymentProfile[] = [
  { name: 'development', tier: 'free', overrides: {} },
  { name: 'staging', tier: 'pro', overrides: {} },
  { name: 'production', tier: 'enterprise', overrides: {} },
];

export const ProfilesSettings = z
  .object({
    list: z
      .array(DeploymentProfile)
      .max(PROFILES_MAX, { error: `at most ${PROFILES_MAX} profiles` })
      .refine((list) => new Set(list.map((p) => profileNameKey(p.name))).size === list.length, {
        error: 'profile names must be unique',
      })
      .default(() => BUILTIN_PROFILES.map((p) => ({ ...p, overrides: {} }))),
    /** The profile last applied; it is active only while the tier and overrides still match it. */
    applied: ProfileName.nullable().default(null),
  })
  .strict();
export type ProfilesSettings = z.infer<typeof ProfilesSettings>;

/**
 * The overrides a seed file sets (overridesFromSeed's keys, maxCpuCores included: 0 there clears it).
 * Importing a file replaces these and keeps the tier's OS overrides. The seed format is Bitcoin
 * Sprint's, so a knob of ours that it lacks is not among them.
 */
export const SEED_OVERRIDE_KEYS = [
  'gcPercent',
  'maxCpuCores',
  'highPriority',
  'lockOsThread',
  'preallocBuffers',
  'optimizeSystem',
] as const satisfies ReadonlyArray<keyof TierOverrides>;

/** The seed file's values as panel overrides for that tier: every given value is kept as one. */
export function overridesFromSeed(optimizations: PerformanceOptimizations): TierOverrides {
  const overrides: TierOverrides = {
    gcPercent: optimizations.gc_percent === -1 ? 'off' : optimizations.gc_percent,
    highPriority: optimizations.high_priority,
    lockOsThread: optimizations.lock_os_thread,
    preallocBuffers: optimizations.prealloc_buffers,
    optimizeSystem: optimizations.optimize_system,
  };
  if (optimizations.max_cpu_cores > 0) overrides.maxCpuCores = optimizations.max_cpu_cores;
  return overrides;
}

/**
 * Only the values that differ from the tier's own: importing the seed file whose values equal the tier
 * defaults must not mark every knob "overridden" (issue 22). A GC of 100 equals a runtime-default GC
 * (it is what the export writes for it).
 */
export function overridesBeyondTier(
  tier: TierName,
  overrides: TierOverrides,
  /** The panel's environment overrides: a file value equal to the tier's still wins over these. */
  environment: TierOverrides = {},
): TierOverrides {
  const spec = TIERS[tier];
  const out: Record<string, unknown> = { ...overrides };
  for (const knob of KNOB_TABLE) {
    const value = overrides[knob.override];
    if (value === undefined || environment[knob.override] !== undefined) continue;
    const base = knob.tierDefault(spec);
    const same =
      value === base ||
      (knob.override === 'gcPercent' && base === null && value === RUNTIME_DEFAULT_GC_PERCENT);
    if (same) delete out[knob.override];
  }
  return out as TierOverrides;
}

/** Go's own default when neither the tier nor anyone else asks for a GC percentage. */
export const RUNTIME_DEFAULT_GC_PERCENT = 100;

/**
 * The seed file for a tier and the overrides in effect for it (saved and environment already merged).
 * A runtime-default GC exports as 100 (Go's default); "off" as -1; no core limit as 0 (auto-detect).
 */
export function seedFromOverrides(tier: TierName, overrides: TierOverrides): SeedConfig {
  const knobs = TIERS[tier].knobs;
  const gc = overrides.gcPercent ?? knobs.gcPercent;
  return {
    tier,
    performance_optimizations: {
      gc_percent: gc === 'off' ? -1 : (gc ?? RUNTIME_DEFAULT_GC_PERCENT),
      max_cpu_cores: overrides.maxCpuCores ?? 0,
      high_priority: overrides.highPriority ?? knobs.highPriority,
      lock_os_thread: overrides.lockOsThread ?? knobs.lockOsThread,
      prealloc_buffers: overrides.preallocBuffers ?? knobs.preallocBuffers,
      optimize_system: overrides.optimizeSystem ?? knobs.optimizeSystem,
    },
  };
}

/** Overrides compare by value, key order and absent keys aside. */
export function sameOverrides(a: TierOverrides | undefined, b: TierOverrides | undefined): boolean {
  const left = Object.entries(a ?? {}).filter(([, v]) => v !== undefined);
  const right = new Map(Object.entries(b ?? {}).filter(([, v]) => v !== undefined));
  return left.length === right.size && left.every(([key, value]) => right.get(key) === value);
}

interface ProfileView {
  readonly tier: TierName;
  readonly overrides: Partial<Record<TierName, TierOverrides>>;
  readonly profiles: ProfilesSettings;
}

/** The active profile: the one last applied, while the tier and its overrides still match it. */
export function activeProfile(settings: ProfileView): string | null {
  const name = settings.profiles.applied;
  const profile = settings.profiles.list.find((p) => p.name === name);
  if (!profile || profile.tier !== settings.tier) return null;
  return sameOverrides(profile.overrides, settings.overrides[settings.tier]) ? profile.name : null;
}

/**
 * Letters of other scripts drawn like Latin ones: "prоduction" with a Cyrillic о must not stand
 * beside "production". A small table of the common lookalikes (Cyrillic and Greek), after NFKC.
 */
const CONFUSABLES: Readonly<Record<string, string>> = {
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  ѕ: 's',
  і: 'i',
  ї: 'i',
  ј: 'j',
  ԁ: 'd',
  ԛ: 'q',
  ԝ: 'w',
  һ: 'h',
  ӏ: 'l',
  α: 'a',
  β: 'b',
  ε: 'e',
  η: 'n',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  γ: 'y',
  ϲ: 'c',
  ϳ: 'j',
  ζ: 'z',
  μ: 'u',
};

/** The form two profile names are compared in: NFKC, lower case, lookalike letters folded to Latin. */
export function profileNameKey(name: string): string {
  const folded = name.trim().normalize('NFKC').toLowerCase();
  let key = '';
  for (const ch of folded) key += CONFUSABLES[ch] ?? ch;
  return key;
}

export function findProfile(profiles: ProfilesSettings, name: string): DeploymentProfile | undefined {
  const wanted = profileNameKey(name);
  return profiles.list.find((p) => profileNameKey(p.name) === wanted);
}

/** A file name for a download that any OS accepts. */
export function profileFileName(name: string | null, tier: TierName): string {
  const base = name ? `sprint-profile_${name}` : `sprint-config_${tier}`;
  return `${base.replace(/[^\w.-]+/g, '_')}.json`;
}
