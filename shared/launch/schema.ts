import { z } from 'zod';
import { TierName } from '../tiers';
import { KNOB_ENV_NAMES, KNOB_OVERRIDE_SHAPE } from '../knobs';
import { Capabilities } from './capabilities';

/**
 * What a launch plan asked the operating system and the relay for, and what was actually applied.
 * The UI shows requested beside applied, with the reason wherever they differ (DESIGN.md, "Launch plans").
 */

/**
 * What the OS applies, then the relay's knobs (shared/knobs.ts), in the order the UI lists them.
 * `probe-affinity` is the SLA probe's placement: the probe runs under the plan's probe wrappers
 * (LaunchPlan.probePrefix) and is read back from its own PID.
 */
export const OS_ITEM_NAMES = ['priority', 'scheduling', 'affinity', 'probe-affinity'] as const;
export const PLAN_ITEM_NAMES = [...OS_ITEM_NAMES, ...KNOB_ENV_NAMES] as const;
export const PlanItemName = z.enum(PLAN_ITEM_NAMES);
export type PlanItemName = z.infer<typeof PlanItemName>;

export const PlanItem = z.object({
  name: PlanItemName,
  /** Who applies it: the OS at spawn (priority, scheduling, affinity) or the relay itself (its knobs). */
  appliedBy: z.enum(['os', 'relay']),
  /** Human-readable requested value, e.g. "nice -10", "SCHED_FIFO 10", "cpus 2-3", "25". */
  requested: z.string(),
  /** What was read back after spawn; null until read back, or when it cannot be read. */
  applied: z.string().nullable(),
  /** True when applied matches requested. */
  granted: z.boolean(),
  /** Why it differs, e.g. "needs CAP_SYS_NICE", "not available on macOS". */
  reason: z.string().optional(),
  /** What the tier alone asks for, shown beside a user override. */
  tierDefault: z.string(),
  /** True when the requested value comes from the user's overrides rather than the tier. */
  overridden: z.boolean(),
  /** Where the requested value comes from: saved override > the panel's environment > tier default. */
  source: z.enum(['tier', 'environment', 'override']).optional(),
});
export type PlanItem = z.infer<typeof PlanItem>;

export const LaunchReport = z.object({
  tier: TierName,
  platform: z.string(),
  /** The exact argv spawned, wrappers included (e.g. taskset, chrt, nice). */
  argv: z.array(z.string()),
  items: z.array(PlanItem),
  readBackAt: z.number().nullable(),
  /** What the plan was decided from (absent in reports from before it was carried). */
  capabilities: Capabilities.optional(),
  target: z.enum(['builtin', 'external']).optional(),
});
export type LaunchReport = z.infer<typeof LaunchReport>;

/** Highest CPU id a list may name; the machine's own count is checked where it is known (settings store). */
export const MAX_CPU_ID = 1023;
const cpuList = z
  .string()
  .max(256)
  .regex(/^\d+(-\d+)?(,\d+(-\d+)?)*$/, 'a CPU list such as "2-3" or "0,2"')
  .refine((list) => list.split(/[,-]/).every((id) => Number(id) <= MAX_CPU_ID), `CPU ids above ${MAX_CPU_ID}`)
  .refine(
    (list) =>
      list.split(',').every((range) => {
        const [first, last] = range.split('-').map(Number);
        return last === undefined || last >= first!;
      }),
    'a CPU range runs backwards',
  );

export { MAX_MEMORY_LIMIT_MIB, MIN_MEMORY_LIMIT_MIB } from '../knobs';

/** Per-tier overrides a user may set in settings; every field optional, validated at the boundary. */
export const TierOverrides = z
  .object({
    priority: z.enum(['normal', 'above-normal', 'high', 'highest']).optional(),
    realtime: z.boolean().optional(),
    cpus: cpuList.optional(),
    /**
     * CPUs the SLA probe runs on (with the relay's scheduling and priority); unset: the probe runs
     * under the relay's own wrappers, on the relay's CPUs. The panel itself is never pinned.
     */
    probeCpus: cpuList.optional(),
    /** The relay's knobs, one field per override of shared/knobs.ts, validated by the knob's type. */
    ...KNOB_OVERRIDE_SHAPE,
  })
  .strict();
export type TierOverrides = z.infer<typeof TierOverrides>;
