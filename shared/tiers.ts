import { z } from 'zod';

/** The performance tiers, cheapest first. The tier table lives here once (DESIGN.md, "Tiers"). */
export const TIER_NAMES = ['free', 'pro', 'business', 'turbo', 'enterprise'] as const;
export const TierName = z.enum(TIER_NAMES);
export type TierName = z.infer<typeof TierName>;

export type OptimizationLevel = 'standard' | 'high' | 'maximum';
/** Requested OS priority, from the OS-neutral vocabulary launch plans translate per platform. */
export type PriorityClass = 'normal' | 'above-normal' | 'high' | 'highest';

export interface TierSpec {
  readonly name: TierName;
  readonly level: OptimizationLevel;
  /** Latency a probe must come in under to count as within SLA. */
  readonly targetMs: number;
  /** Share of probes that must be within target, as a fraction (0.999 = 99.9%). */
  readonly objective: number;
  readonly priority: PriorityClass;
  /** Linux SCHED_FIFO where permitted (enterprise only). */
  readonly realtime: boolean;
  /** Pin the relay to dedicated cores where the machine has at least 4. */
  readonly dedicatedCores: boolean;
  readonly rateLimit: { readonly perSecond: number; readonly burst: number };
  readonly knobs: RelayKnobs;
}

/** Runtime knobs passed to the relay through the environment (the relay contract). */
export interface RelayKnobs {
  /** GC_PERCENT; null means the runtime default. For a Go binary, `gcOff` turns GOGC off. */
  readonly gcPercent: number | null;
  readonly gcOff: boolean;
  /**
   * GOMEMLIMIT for a Go binary, MiB: the soft memory budget its runtime collects to stay under. It is
   * what bounds a Go relay whose GC is off (GOGC=off): the collector then runs only as memory nears
   * this budget, so a Go relay with GC off settles at about this much memory instead of growing
   * without end. With GC on it is a ceiling the percentage rarely reaches.
   */
  readonly memoryBudgetMiB: number;
  readonly highPriority: boolean;
  readonly lockOsThread: boolean;
  readonly preallocBuffers: boolean;
  readonly optimizeSystem: boolean;
}

const defaults: RelayKnobs = {
  gcPercent: null,
  gcOff: false,
  memoryBudgetMiB: 256,
  highPriority: false,
  lockOsThread: false,
  preallocBuffers: false,
  optimizeSystem: false,
};
const high: RelayKnobs = { ...defaults, gcPercent: 50, preallocBuffers: true };
const maximum: RelayKnobs = {
  gcPercent: 25,
  gcOff: false,
  memoryBudgetMiB: 256,
  highPriority: true,
  lockOsThread: true,
  preallocBuffers: true,
  optimizeSystem: true,
};

export const TIERS: Readonly<Record<TierName, TierSpec>> = {
  free: {
    name: 'free',
    level: 'standard',
    targetMs: 1000,
    objective: 0.99,
    priority: 'normal',
    realtime: false,
    dedicatedCores: false,
    rateLimit: { perSecond: 1, burst: 5 },
    knobs: defaults,
  },
  pro: {
    name: 'pro',
    level: 'high',
    targetMs: 300,
    objective: 0.995,
    priority: 'above-normal',
    realtime: false,
    dedicatedCores: false,
    rateLimit: { perSecond: 10, burst: 50 },
    knobs: high,
  },
  business: {
    name: 'business',
    level: 'high',
    targetMs: 300,
    objective: 0.995,
    priority: 'above-normal',
    realtime: false,
    dedicatedCores: false,
    rateLimit: { perSecond: 50, burst: 250 },
    knobs: high,
  },
  turbo: {
    name: 'turbo',
    level: 'maximum',
    targetMs: 5,
    objective: 0.999,
    priority: 'high',
    realtime: false,
    dedicatedCores: true,
    rateLimit: { perSecond: 100, burst: 500 },
    knobs: maximum,
  },
  enterprise: {
    name: 'enterprise',
    level: 'maximum',
    targetMs: 5,
    objective: 0.999,
    priority: 'highest',
    realtime: true,
    dedicatedCores: true,
    rateLimit: { perSecond: 500, burst: 2500 },
    // GC off is bounded at 64 MiB: with GOGC=off memory climbs to GOMEMLIMIT before the collector
    // runs, so the budget is what the relay may grow by under load (256 MiB grew 241 MB in 20 s of
    // /v1/btc/latest load, 64 MiB grew 51 MB: bench go-relay-enterprise). A relay that keeps its
    // chain outside the Go heap, as relay/go does, fits mainnet in it; a binary whose live heap is
    // larger needs the memoryLimitMiB override, or its collector runs continuously near the limit.
    knobs: { ...maximum, gcOff: true, memoryBudgetMiB: 64 },
  },
};

export function tierSpec(name: TierName): TierSpec {
  return TIERS[name];
}

/**
 * The tier table as a list, cheapest first. Everything that lists tiers (the tier buttons, the CLI's
 * usage, the Go relay's table, the Prometheus rules, the Grafana dashboard) derives from this one;
 * derivations take the list as a parameter so test/change-cost.test.ts can hand them a longer one.
 */
export const TIER_LIST: readonly TierSpec[] = TIER_NAMES.map((name) => TIERS[name]);

/** "free, pro, business, turbo or enterprise": the tier names as usage and error texts say them. */
export function tierNamesText(names: readonly string[] = TIER_NAMES): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} or ${names[names.length - 1] ?? ''}`;
}
