import { z } from 'zod';
import { TierOverrides, type PlanItemName } from './launch/schema';
import { KNOB_TABLE, SEED_KNOBS, type SeedKnob, type SeedKnobName } from './knobs';
import { TIERS, type TierName } from './tiers';

/**
 * The seed's environment variables, read from the panel's own environment. Precedence, as the seed
 * describes it ("tier-based defaults, can be overridden via environment variables") with the panel's
 * saved overrides on top, because a saved override is the most explicit choice:
 *
 *   saved override  >  environment  >  tier default
 */

/** The seed's variables: the knobs every relay reads (shared/knobs.ts), in the table's order. */
export const ENV_KNOBS: readonly { readonly name: SeedKnobName; readonly key: SeedKnob['override'] }[] =
  SEED_KNOBS.map((knob) => ({ name: knob.env, key: knob.override }));
export type EnvKnobName = SeedKnobName;
export type EnvKnobKey = SeedKnob['override'];
export const EnvKnobName = z.enum(ENV_KNOBS.map((k) => k.name) as [EnvKnobName, ...EnvKnobName[]]);

/** One variable that is set: applied with its value, or refused with the reason. */
export const EnvOverrideEntry = z.discriminatedUnion('status', [
  z.object({ name: EnvKnobName, raw: z.string(), status: z.literal('applied'), value: z.string() }),
  z.object({ name: EnvKnobName, raw: z.string(), status: z.literal('refused'), reason: z.string() }),
]);
export type EnvOverrideEntry = z.infer<typeof EnvOverrideEntry>;

/** Long values are cut in what is shown (an environment variable can be huge). */
const SHOWN_MAX = 64;

type Parsed =
  { ok: true; value: TierOverrides[EnvKnobKey] | undefined; shown: string } | { ok: false; reason: string };

function parseValue(key: EnvKnobKey, raw: string): Parsed {
  const text = raw.trim();
  if (key === 'gcPercent') {
    if (text.toLowerCase() === 'off' || text === '-1') return { ok: true, value: 'off', shown: 'off' };
    const n = /^\d+$/.test(text) ? Number(text) : NaN;
    if (!Number.isInteger(n) || n < 1 || n > 1000)
      return { ok: false, reason: 'must be a whole number between 1 and 1000, or off (-1)' };
    return { ok: true, value: n, shown: String(n) };
  }
  if (key === 'maxCpuCores') {
    const n = /^\d+$/.test(text) ? Number(text) : NaN;
    if (!Number.isInteger(n) || n > 1024)
      return { ok: false, reason: 'must be a whole number between 0 and 1024' };
    // 0 is the seed's "auto-detect": no limit, the same as leaving it unset.
    return n === 0
      ? { ok: true, value: undefined, shown: '0 (auto-detect)' }
      : { ok: true, value: n, shown: String(n) };
  }
  const lower = text.toLowerCase();
  if (lower === '1' || lower === 'true') return { ok: true, value: true, shown: 'true' };
  if (lower === '0' || lower === 'false') return { ok: true, value: false, shown: 'false' };
  return { ok: false, reason: 'must be 1, true, 0 or false' };
}

export const EnvironmentOverrides = z.object({
  /** What the environment asks for, as overrides (refused variables left out). */
  values: TierOverrides,
  /** Every seed variable that is set, in the seed's order. */
  entries: z.array(EnvOverrideEntry),
});
export type EnvironmentOverrides = z.infer<typeof EnvironmentOverrides>;

export function parseEnvironmentOverrides(
  env: Readonly<Record<string, string | undefined>>,
): EnvironmentOverrides {
  const values: Record<string, unknown> = {};
  const entries: EnvOverrideEntry[] = [];
  for (const { name, key } of ENV_KNOBS) {
    const raw = env[name];
    if (raw === undefined) continue;
    const shownRaw = raw.length > SHOWN_MAX ? `${raw.slice(0, SHOWN_MAX)}…` : raw;
    const parsed = parseValue(key, raw);
    if (!parsed.ok) {
      entries.push({ name, raw: shownRaw, status: 'refused', reason: `${name}: ${parsed.reason}` });
      continue;
    }
    if (parsed.value !== undefined) values[key] = parsed.value;
    entries.push({ name, raw: shownRaw, status: 'applied', value: parsed.shown });
  }
  return { values: TierOverrides.parse(values), entries };
}

/** The environment's knob values under the saved overrides: what a launch asks the relay for. */
export function layerOverrides(saved: TierOverrides, environment: TierOverrides): TierOverrides {
  return { ...environment, ...Object.fromEntries(Object.entries(saved).filter(([, v]) => v !== undefined)) };
}

export type KnobSource = 'override' | 'environment' | 'tier';

/** The override key each launch item is driven by (GOGC follows GC_PERCENT, GOMAXPROCS the cores). */
const ITEM_KEY: Partial<Record<PlanItemName, keyof TierOverrides>> = {
  priority: 'priority',
  scheduling: 'realtime',
  affinity: 'cpus',
  'probe-affinity': 'probeCpus',
  ...Object.fromEntries(KNOB_TABLE.map((knob) => [knob.env, knob.override])),
};

/** Where a launch item's value comes from, by the precedence above. */
export function overrideSource(
  item: PlanItemName,
  saved: TierOverrides,
  environment: TierOverrides,
): KnobSource {
  const key = ITEM_KEY[item];
  if (key === undefined) return 'tier';
  return saved[key] !== undefined ? 'override' : environment[key] !== undefined ? 'environment' : 'tier';
}

export interface KnobSourceRow {
  readonly name: EnvKnobName;
  readonly tierDefault: string;
  /** The environment's entry for it, applied or refused; null when the variable is unset. */
  readonly environment: EnvOverrideEntry | null;
  readonly saved: string | null;
  readonly effective: string;
  readonly source: KnobSource;
}

function show(value: TierOverrides[EnvKnobKey] | null | undefined): string | null {
  if (value === undefined) return null;
  return value === null ? 'runtime default' : String(value);
}

function tierValue(tier: TierName, key: EnvKnobKey): string {
  // No tier limits the cores: the relay gets every CPU it may run on.
  if (key === 'maxCpuCores') return 'auto-detect';
  return show(TIERS[tier].knobs[key]) ?? 'runtime default';
}

/** Each seed knob of a tier: tier default, environment and saved override side by side, and the winner. */
export function knobSources(
  tier: TierName,
  saved: TierOverrides | undefined,
  environment: EnvironmentOverrides,
): KnobSourceRow[] {
  return ENV_KNOBS.map(({ name, key }) => {
    const savedValue = show(saved?.[key]);
    const entry = environment.entries.find((e) => e.name === name) ?? null;
    const envValue = entry?.status === 'applied' ? (show(environment.values[key]) ?? 'auto-detect') : null;
    const tierDefault = tierValue(tier, key);
    const source: KnobSource = savedValue !== null ? 'override' : envValue !== null ? 'environment' : 'tier';
    const effective = savedValue ?? envValue ?? tierDefault;
    return { name, tierDefault, environment: entry, saved: savedValue, effective, source };
  });
}
