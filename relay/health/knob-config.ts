import { z } from 'zod';
import { NODE_RELAY_KNOBS, type KnobType, type NodeRelayKnob } from '../../shared/knobs';
import type { TierSpec } from '../../shared/tiers';

/** The relay's runtime knobs read from its environment, one per row of shared/knobs.ts it reads. */

export type GcPercent = number | 'off' | null;

type ValueOf<T extends KnobType> = T extends 'gc'
  ? GcPercent
  : T extends 'cores' | 'semispace'
    ? number | null
    : boolean;
export type KnobConfig = { readonly [R in NodeRelayKnob as R['override']]: ValueOf<R['type']> };

/** How every boolean in the relay's environment is written. */
export const BOOLEAN = z.enum(['1', 'true', '0', 'false']).transform((v) => v === '1' || v === 'true');
const GC = z.union([
  z.literal('off'),
  z
    .string()
    .regex(/^\d+$/, 'an integer or "off"')
    .transform(Number)
    .pipe(z.number().int().min(0).max(10_000)),
]);
const CORES = z
  .string()
  .regex(/^\d+$/, 'a positive integer')
  .transform(Number)
  .pipe(z.number().int().min(1).max(1024));

/** The semi-space the panel asked V8 for (it passes the flags too; the relay only reports it). */
const SEMI_SPACE = z
  .string()
  .regex(/^\d+$/, 'a whole number of MiB')
  .transform(Number)
  .pipe(z.number().int().min(1).max(1024));

const SCHEMA: Readonly<Record<NodeRelayKnob['type'], z.ZodType<number | 'off' | boolean>>> = {
  gc: GC,
  cores: CORES,
  semispace: SEMI_SPACE,
  boolean: BOOLEAN,
};

/**
 * What the relay uses when the variable is unset. A standalone relay told only its tier takes the Go
 * view of GC (an "off" tier is off); the panel always passes GC_PERCENT when the tier sets one.
 */
function relayDefault(knob: NodeRelayKnob, tier: TierSpec): GcPercent | boolean {
  if (knob.type === 'gc') return tier.knobs.gcOff ? 'off' : tier.knobs.gcPercent;
  return knob.tierDefault(tier);
}

export function readKnobs(
  tier: TierSpec,
  read: <T>(name: string, schema: z.ZodType<T>) => T | undefined,
): KnobConfig {
  const config: Record<string, unknown> = {};
  for (const knob of NODE_RELAY_KNOBS) {
    config[knob.override] = read(knob.env, SCHEMA[knob.type]) ?? relayDefault(knob, tier);
  }
  return config as KnobConfig;
}
