import type { TierOverrides } from './schema';
import { RELAY_ENV } from '../relay-contract';
import { TIERS, type TierName } from '../tiers';
import type { LaunchTarget, PlannedItem, Ungranted } from './plan-types';

/** The relay's runtime knobs: passed through the environment, applied (and reported) by the relay. */

export interface KnobPlan {
  readonly items: readonly PlannedItem[];
  readonly ungranted: readonly Ungranted[];
  readonly env: Readonly<Record<string, string>>;
}

const DEFAULT = 'default';

export function planKnobs(
  tier: TierName,
  overrides: TierOverrides,
  kind: LaunchTarget['kind'],
  usableCpus: number,
): KnobPlan {
  const knobs = TIERS[tier].knobs;
  const items: PlannedItem[] = [];
  const ungranted: Ungranted[] = [];
  const env: Record<string, string> = {};
  const knob = (name: PlannedItem['name'], value: string | null, overridden: boolean) => {
    items.push({ name, appliedBy: 'relay', requested: value ?? DEFAULT, overridden });
    // null (the runtime's own default) is left unset rather than passed as an empty value.
    if (value !== null) env[name] = value;
  };

  const gcOverridden = overrides.gcPercent !== undefined;
  const gcPercent = overrides.gcPercent ?? knobs.gcPercent;
  // "off" goes to our Node relay too: it accepts it and reports on /health that V8 cannot comply.
  knob(RELAY_ENV.gcPercent, gcPercent === null ? null : String(gcPercent), gcOverridden);

  let cores = overrides.maxCpuCores ?? usableCpus;
  items.push({
    name: RELAY_ENV.maxCpuCores,
    appliedBy: 'relay',
    requested: String(cores),
    overridden: overrides.maxCpuCores !== undefined,
  });
  if (cores > usableCpus) {
    ungranted.push({ name: 'MAX_CPU_CORES', reason: `the relay may run on ${usableCpus} CPUs; capped` });
    cores = usableCpus;
  }
  env[RELAY_ENV.maxCpuCores] = String(cores);

  // The boolean knobs: an override wins over the tier, and is marked as one.
  const booleans = [
    [RELAY_ENV.highPriority, 'highPriority'],
    [RELAY_ENV.lockOsThread, 'lockOsThread'],
    [RELAY_ENV.preallocBuffers, 'preallocBuffers'],
    [RELAY_ENV.optimizeSystem, 'optimizeSystem'],
  ] as const;
  for (const [envName, key] of booleans) {
    knob(envName, String(overrides[key] ?? knobs[key]), overrides[key] !== undefined);
  }

  if (kind === 'external') {
    // The Go runtime reads these itself at start; an override of GC_PERCENT carries over to GOGC.
    const goGc = overrides.gcPercent ?? (knobs.gcOff ? 'off' : knobs.gcPercent);
    knob(RELAY_ENV.goGc, goGc === null ? null : String(goGc), gcOverridden);
    knob(RELAY_ENV.goMaxProcs, String(cores), overrides.maxCpuCores !== undefined);
  }
  return { items, ungranted, env };
}
