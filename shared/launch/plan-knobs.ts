import { goMemLimitText, KNOB_TABLE, v8SemiSpaceFlags, type KnobValue } from '../knobs';
import { TIERS, type TierName } from '../tiers';
import type { LaunchTarget, PlannedItem, Ungranted } from './plan-types';
import type { TierOverrides } from './schema';

/**
 * The relay's runtime knobs (one row each in shared/knobs.ts): passed through the environment,
 * applied (and reported) by the relay; V8's own (the semi-space) also as flags in the node argv.
 */

export interface KnobPlan {
  readonly items: readonly PlannedItem[];
  readonly ungranted: readonly Ungranted[];
  readonly env: Readonly<Record<string, string>>;
  /** Flags for our relay's node, before its script (V8 reads them at start; none for an external binary). */
  readonly runtimeFlags: readonly string[];
}

const DEFAULT = 'default';

/** Why a V8 knob's override is not given to an external binary: its runtime is not V8. */
export const NODE_ONLY_REASON =
  'applies to the built-in Node relay only (a V8 flag); an external binary is not given it';

export function planKnobs(
  tier: TierName,
  overrides: TierOverrides,
  kind: LaunchTarget['kind'],
  usableCpus: number,
): KnobPlan {
  const items: PlannedItem[] = [];
  const ungranted: Ungranted[] = [];
  const env: Record<string, string> = {};
  const runtimeFlags: string[] = [];
  for (const knob of KNOB_TABLE) {
    // The Go runtime reads GOGC and GOMAXPROCS itself at start; our Node relay is never given them.
    if (knob.runtime === 'go' && kind !== 'external') continue;
    const overridden = overrides[knob.override] !== undefined;
    // An override of GC_PERCENT carries over to GOGC, of MAX_CPU_CORES to GOMAXPROCS.
    const value: KnobValue = overrides[knob.override] ?? knob.tierDefault(TIERS[tier]);
    if (knob.type === 'semispace') {
      if (kind !== 'builtin') {
        // Left out unless the user asked for it; then shown, and refused, so the override is not lost silently.
        if (!overridden) continue;
        items.push({ name: knob.env, appliedBy: 'relay', requested: String(value), overridden });
        ungranted.push({ name: knob.env, reason: NODE_ONLY_REASON });
        continue;
      }
      items.push({
        name: knob.env,
        appliedBy: 'relay',
        requested: typeof value === 'number' ? String(value) : DEFAULT,
        overridden,
      });
      if (typeof value === 'number') {
        env[knob.env] = String(value);
        runtimeFlags.push(...v8SemiSpaceFlags(value));
      }
      continue;
    }
    if (knob.type === 'cores') {
      const cores = typeof value === 'number' ? value : usableCpus;
      const granted = Math.min(cores, usableCpus);
      const goOnly = knob.runtime === 'go';
      // The cap is reported once, on MAX_CPU_CORES; GOMAXPROCS asks for what the relay may use.
      items.push({
        name: knob.env,
        appliedBy: 'relay',
        requested: String(goOnly ? granted : cores),
        overridden,
      });
      if (cores > usableCpus && !goOnly) {
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
  return { items, ungranted, env, runtimeFlags };
}
