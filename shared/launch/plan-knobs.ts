import { goMemLimitText, KNOB_TABLE, type KnobValue } from '../knobs';
import { TIERS, type TierName } from '../tiers';
import type { LaunchTarget, PlannedItem, Ungranted } from './plan-types';
import type { TierOverrides } from './schema';

/**
 * The relay's runtime knobs (one row each in shared/knobs.ts): passed through the environment,
 * applied (and reported) by the relay.
 */

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
  const items: PlannedItem[] = [];
  const ungranted: Ungranted[] = [];
  const env: Record<string, string> = {};
  for (const knob of KNOB_TABLE) {
    // The Go runtime reads GOGC and GOMAXPROCS itself at start; our Node relay is never given them.
    if (knob.goOnly && kind !== 'external') continue;
    const overridden = overrides[knob.override] !== undefined;
    // An override of GC_PERCENT carries over to GOGC, of MAX_CPU_CORES to GOMAXPROCS.
    const value: KnobValue = overrides[knob.override] ?? knob.tierDefault(TIERS[tier]);
    if (knob.type === 'cores') {
      const cores = typeof value === 'number' ? value : usableCpus;
      const granted = Math.min(cores, usableCpus);
      // The cap is reported once, on MAX_CPU_CORES; GOMAXPROCS asks for what the relay may use.
      items.push({
        name: knob.env,
        appliedBy: 'relay',
        requested: String(knob.goOnly ? granted : cores),
        overridden,
      });
      if (cores > usableCpus && !knob.goOnly) {
        ungranted.push({ name: knob.env, reason: `the relay may run on ${usableCpus} CPUs; capped` });
      }
      env[knob.env] = String(granted);
      continue;
    }
    if (knob.type === 'memory') {
      // Never null: every Go launch is bounded, whatever its GOGC.
      const text = goMemLimitText(typeof value === 'number' ? value : TIERS[tier].knobs.memoryBudgetMiB);
      items.push({ name: knob.env, appliedBy: 'relay', requested: text, overridden });
      env[knob.env] = text;
      continue;
    }
    // "off" goes to our Node relay too: it accepts it and reports on /health that V8 cannot comply.
    items.push({
      name: knob.env,
      appliedBy: 'relay',
      requested: value === null ? DEFAULT : String(value),
      overridden,
    });
    // null (the runtime's own default) is left unset rather than passed as an empty value.
    if (value !== null) env[knob.env] = String(value);
  }
  return { items, ungranted, env };
}
