import { z } from 'zod';
import type { TierSpec } from './tiers';

/**
 * The relay's runtime knobs, one row each: everything that must know a knob derives its list from
 * here (the contract's RELAY_ENV, the plan's item names, the planner, the overrides form, the seed
 * variables, the relay's config parser and its /health report). test/knob-table.test.ts fails when a
 * row is missing from any of them, or from docs/relay-contract.md. Adding a knob is one row plus its behaviour.
 */

/** How a knob's value is planned, parsed and shown. */
export type KnobType =
  /** A whole percentage or "off" (null: the runtime's default). */
  | 'gc'
  /** A count of CPUs; the plan caps it at the CPUs the relay may run on. */
  | 'cores'
  /** A memory budget in MiB, written to the environment as Go writes it ("256MiB"). */
  | 'memory'
  /** V8's young-generation semi-space in MiB, a power of two (V8 rounds to one); the node argv's flags. */
  | 'semispace'
  | 'boolean';

/** Which relays read a knob: every relay (the seed's variables), a Go binary's runtime, or our Node relay's V8. */
export type KnobRuntime = 'any' | 'go' | 'node';

/** Below 16 MiB a Go relay would collect without pause; 1 TiB is far above any machine it runs on. */
export const MIN_MEMORY_LIMIT_MIB = 16;
export const MAX_MEMORY_LIMIT_MIB = 1_048_576;
/** V8's semi-space bounds here: 1 MiB is its smallest page set; 256 MiB already triples the heap limit by 765 MiB. */
export const MIN_SEMI_SPACE_MIB = 1;
export const MAX_SEMI_SPACE_MIB = 256;

/**
 * How an override of each knob type is validated: TierOverrides' knob fields derive from the table
 * through these (shared/launch/schema.ts), so a new row needs no field written there.
 */
export const KNOB_OVERRIDE_SCHEMAS = {
  gc: z.union([z.number().int().min(1).max(1000), z.literal('off')]),
  cores: z.number().int().min(1).max(1024),
  memory: z.number().int().min(MIN_MEMORY_LIMIT_MIB).max(MAX_MEMORY_LIMIT_MIB),
  semispace: z
    .number()
    .int()
    .min(MIN_SEMI_SPACE_MIB)
    .max(MAX_SEMI_SPACE_MIB)
    .refine(
      (mib) => (mib & (mib - 1)) === 0,
      'a power of two (1, 2, 4 … 256): V8 rounds a semi-space to one',
    ),
  boolean: z.boolean(),
} as const satisfies Readonly<Record<KnobType, z.ZodType>>;

export type KnobValue = number | 'off' | boolean | null;

export interface KnobRow {
  /** The environment variable (the relay contract's name). */
  readonly env: string;
  /** Its key in RELAY_ENV. */
  readonly contractKey: string;
  /** The override (and seed variable) that sets it; GOGC and GOMAXPROCS follow their seed knob. */
  readonly override: string;
  readonly type: KnobType;
  /**
   * Which relays read it: 'any' (the seed's variables), 'go' (a Go binary's runtime reads it at
   * start; our Node relay is never given it), 'node' (our relay's V8, set by flags in the node argv;
   * an external binary is never given it, and an override of it for one is refused with the reason).
   */
  readonly runtime: KnobRuntime;
  /** The tier's default as the plan requests it (null: leave it to the runtime). */
  readonly tierDefault: (tier: TierSpec) => KnobValue;
  /** What it means, shown beside it in the Optimizations table and the overrides form. */
  readonly description: string;
  /** The editor's hint for its override field; '' when the control says it all. */
  readonly hint: string;
}

const row = <const R extends KnobRow>(r: R): R => r;

export const KNOB_TABLE = [
  row({
    env: 'GC_PERCENT',
    contractKey: 'gcPercent',
    override: 'gcPercent',
    type: 'gc',
    runtime: 'any',
    tierDefault: (tier) => tier.knobs.gcPercent,
    description: 'Garbage-collection aggressiveness',
    hint: '1–1000, or off.',
  }),
  row({
    env: 'MAX_CPU_CORES',
    contractKey: 'maxCpuCores',
    override: 'maxCpuCores',
    type: 'cores',
    runtime: 'any',
    // No tier limits the cores: the relay gets every CPU it may run on.
    tierDefault: () => null,
    description: 'Cores the relay runtime may use',
    hint: '1–1024.',
  }),
  row({
    env: 'HIGH_PRIORITY',
    contractKey: 'highPriority',
    override: 'highPriority',
    type: 'boolean',
    runtime: 'any',
    tierDefault: (tier) => tier.knobs.highPriority,
    description: 'Relay raises its own thread priorities',
    hint: '',
  }),
  row({
    env: 'LOCK_OS_THREAD',
    contractKey: 'lockOsThread',
    override: 'lockOsThread',
    type: 'boolean',
    runtime: 'any',
    tierDefault: (tier) => tier.knobs.lockOsThread,
    description: 'Hot path pinned to one OS thread',
    hint: '',
  }),
  row({
    env: 'PREALLOC_BUFFERS',
    contractKey: 'preallocBuffers',
    override: 'preallocBuffers',
    type: 'boolean',
    runtime: 'any',
    tierDefault: (tier) => tier.knobs.preallocBuffers,
    description: 'Buffers allocated up front',
    hint: '',
  }),
  row({
    env: 'OPTIMIZE_SYSTEM',
    contractKey: 'optimizeSystem',
    override: 'optimizeSystem',
    type: 'boolean',
    runtime: 'any',
    tierDefault: (tier) => tier.knobs.optimizeSystem,
    description: 'Socket and system tuning',
    hint: '',
  }),
  row({
    env: 'GOGC',
    contractKey: 'goGc',
    override: 'gcPercent',
    type: 'gc',
    runtime: 'go',
    tierDefault: (tier) => (tier.knobs.gcOff ? 'off' : tier.knobs.gcPercent),
    description: 'Go garbage collector target',
    hint: '',
  }),
  row({
    env: 'GOMAXPROCS',
    contractKey: 'goMaxProcs',
    override: 'maxCpuCores',
    type: 'cores',
    runtime: 'go',
    tierDefault: () => null,
    description: 'Go scheduler threads',
    hint: '',
  }),
  row({
    env: 'GOMEMLIMIT',
    contractKey: 'goMemLimit',
    override: 'memoryLimitMiB',
    type: 'memory',
    runtime: 'go',
    // Every Go launch carries its tier's budget, so a GOGC=off (tier or override) is never unbounded.
    tierDefault: (tier) => tier.knobs.memoryBudgetMiB,
    description: 'Go memory budget (bounds GC off)',
    hint: 'MiB, 16–1048576. With GC off the Go runtime collects only as memory nears this budget.',
  }),
  row({
    env: 'V8_SEMI_SPACE_MIB',
    contractKey: 'v8SemiSpaceMiB',
    override: 'semiSpaceMiB',
    type: 'semispace',
    runtime: 'node',
    // No tier sets it: V8 sizes the young generation itself (up to 16 MiB per semi-space on 64-bit).
    tierDefault: () => null,
    description: 'V8 young-generation semi-space (built-in Node relay)',
    hint: 'MiB, a power of two from 1 to 256. Larger: fewer scavenges, each copying more.',
  }),
] as const;

/**
 * The node argv flags that give V8 a semi-space of `mib`: min and max alike, so the young generation
 * has that size from the start (and the relay can read it back from V8's new space) instead of
 * growing towards it under load.
 */
export const v8SemiSpaceFlags = (mib: number): string[] => [
  `--min-semi-space-size=${mib}`,
  `--max-semi-space-size=${mib}`,
];

/** GOMEMLIMIT as the Go runtime parses it: a whole number of MiB. */
export const goMemLimitText = (mib: number): string => `${mib}MiB`;

/**
 * What "GC off" means, said once for the UI, the README and the report: Go's collector stops running
 * on heap growth (GOGC=off) but still runs as the process nears GOMEMLIMIT, which every Go launch
 * carries; V8 has no switch, so our Node relay keeps its collector and V8's own heap limit.
 */
export const GC_OFF_MEANING =
  "GC off (enterprise, or GC_PERCENT=off): a Go relay gets GOGC=off together with GOMEMLIMIT, so its collector no longer runs on heap growth but still runs as memory nears the budget; memory settles near GOMEMLIMIT instead of growing without end. The built-in Node relay is never given GOMEMLIMIT: V8 has no off switch, so it keeps collecting, reports GC_PERCENT as not applied and stays bounded by V8's own heap limit.";

type Table = typeof KNOB_TABLE;
export type KnobEnvName = Table[number]['env'];
/** The knobs every relay reads (the seed's variables); GOGC, GOMAXPROCS, GOMEMLIMIT are for Go binaries only. */
export type SeedKnob = Extract<Table[number], { runtime: 'any' }>;
export type SeedKnobName = SeedKnob['env'];

/** The knob part of RELAY_ENV: contract key → variable name. */
export type KnobEnv = { readonly [R in Table[number] as R['contractKey']]: R['env'] };
export const KNOB_ENV = Object.fromEntries(KNOB_TABLE.map((k) => [k.contractKey, k.env])) as KnobEnv;

type EnvNames<T extends readonly KnobRow[]> = { readonly [I in keyof T]: T[I]['env'] };
export const KNOB_ENV_NAMES = KNOB_TABLE.map((k) => k.env) as unknown as EnvNames<Table>;

export const SEED_KNOBS = KNOB_TABLE.filter((k): k is SeedKnob => k.runtime === 'any');

/** The knobs our Node relay reads: the seed's and its V8's own. */
export type NodeRelayKnob = Extract<Table[number], { runtime: 'any' | 'node' }>;
export type NodeRelayKnobName = NodeRelayKnob['env'];
export const NODE_RELAY_KNOBS = KNOB_TABLE.filter((k): k is NodeRelayKnob => k.runtime !== 'go');

/** The overrides that drive a knob (TierOverrides' knob fields). */
export type KnobOverrideKey = Table[number]['override'];

/** TierOverrides' knob fields, one per override, validated by its knob's type. */
export type KnobOverrideShape = {
  readonly [R in Table[number] as R['override']]: z.ZodOptional<(typeof KNOB_OVERRIDE_SCHEMAS)[R['type']]>;
};
export const KNOB_OVERRIDE_SHAPE = Object.fromEntries(
  KNOB_TABLE.map((k) => [k.override, KNOB_OVERRIDE_SCHEMAS[k.type].optional()]),
) as unknown as KnobOverrideShape;

export function knobRow(env: string): (typeof KNOB_TABLE)[number] | undefined {
  return KNOB_TABLE.find((k) => k.env === env);
}
