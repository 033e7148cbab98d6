import type { LaunchReport, PlanItem, PlanItemName, TierOverrides } from '../../shared/launch';
import { layerOverrides, overrideSource } from '../../shared/profile-env';
import { TIERS, type TierName } from '../../shared/tiers';

/** One row of the optimizations table: a launch-report item, or a preview of one before start. */
export interface KnobRow {
  name: PlanItemName;
  appliedBy: 'os' | 'relay';
  requested: string;
  /** null: not read back (or not running yet). */
  applied: string | null;
  /** null: a preview, nothing applied yet. */
  granted: boolean | null;
  reason?: string | undefined;
  tierDefault: string;
  overridden: boolean;
  /** Where the requested value came from (launch reports carry it; a preview shows saved overrides). */
  source?: PlanItem['source'];
}

export const KNOB_DESCRIPTIONS: Readonly<Record<PlanItemName, string>> = {
  priority: 'Process priority (niceness or Windows priority class)',
  scheduling: 'Real-time scheduling policy',
  affinity: 'CPUs the relay may run on',
  GC_PERCENT: 'Garbage-collection aggressiveness',
  MAX_CPU_CORES: 'Cores the relay runtime may use',
  HIGH_PRIORITY: 'Relay raises its own thread priorities',
  LOCK_OS_THREAD: 'Hot path pinned to one OS thread',
  PREALLOC_BUFFERS: 'Buffers allocated up front',
  OPTIMIZE_SYSTEM: 'Socket and system tuning',
  GOGC: 'Go garbage collector target',
  GOMAXPROCS: 'Go scheduler threads',
};

const flag = (value: boolean) => (value ? 'true' : 'false');

/**
 * What a tier (with overrides) will request, in the same vocabulary as the launch report, for when
 * no report exists yet (relay stopped, or a tier switched while stopped). Applied stays empty: the
 * platform decides what can be granted, and only a start can tell.
 */
export function previewRows(
  tier: TierName,
  saved: TierOverrides = {},
  environment: TierOverrides = {},
): KnobRow[] {
  // The same layering as the launch plan: saved overrides over the panel's environment.
  const overrides = layerOverrides(saved, environment);
  const spec = TIERS[tier];
  const k = spec.knobs;
  const gcDefault = k.gcPercent === null ? 'default' : String(k.gcPercent);
  const affinityDefault = spec.dedicatedCores ? 'dedicated cores' : 'none';
  const row = (
    name: PlanItemName,
    appliedBy: 'os' | 'relay',
    tierDefault: string,
    override: string | undefined,
  ): KnobRow => ({
    name,
    appliedBy,
    requested: override ?? tierDefault,
    applied: null,
    granted: null,
    tierDefault,
    overridden: override !== undefined,
    source: override === undefined ? 'tier' : overrideSource(name, saved, environment),
  });
  const bool = (value: boolean | undefined) => (value === undefined ? undefined : flag(value));
  return [
    row('priority', 'os', spec.priority, overrides.priority),
    row(
      'scheduling',
      'os',
      spec.realtime ? 'SCHED_FIFO' : 'normal',
      overrides.realtime === undefined ? undefined : overrides.realtime ? 'SCHED_FIFO' : 'normal',
    ),
    row(
      'affinity',
      'os',
      affinityDefault,
      overrides.cpus === undefined ? undefined : `cpus ${overrides.cpus}`,
    ),
    row(
      'GC_PERCENT',
      'relay',
      gcDefault,
      overrides.gcPercent === undefined ? undefined : String(overrides.gcPercent),
    ),
    row(
      'MAX_CPU_CORES',
      'relay',
      'all usable',
      overrides.maxCpuCores === undefined ? undefined : String(overrides.maxCpuCores),
    ),
    row('HIGH_PRIORITY', 'relay', flag(k.highPriority), bool(overrides.highPriority)),
    row('LOCK_OS_THREAD', 'relay', flag(k.lockOsThread), bool(overrides.lockOsThread)),
    row('PREALLOC_BUFFERS', 'relay', flag(k.preallocBuffers), bool(overrides.preallocBuffers)),
    row('OPTIMIZE_SYSTEM', 'relay', flag(k.optimizeSystem), bool(overrides.optimizeSystem)),
  ];
}

export function reportRows(report: LaunchReport): KnobRow[] {
  return report.items.map((item: PlanItem) => ({ ...item }));
}

/** The report when it belongs to the tier shown, else a preview of that tier. */
export function knobRows(
  tier: TierName,
  report: LaunchReport | null,
  overrides: TierOverrides | undefined,
  environment?: TierOverrides,
): { rows: KnobRow[]; source: 'report' | 'preview' } {
  if (report && report.tier === tier) return { rows: reportRows(report), source: 'report' };
  return { rows: previewRows(tier, overrides, environment), source: 'preview' };
}

export function grantedCount(rows: readonly KnobRow[]): { granted: number; refused: number } {
  return {
    granted: rows.filter((r) => r.granted === true).length,
    refused: rows.filter((r) => r.granted === false).length,
  };
}
