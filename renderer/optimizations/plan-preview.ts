import {
  planLaunch,
  type Capabilities,
  type LaunchReport,
  type LaunchTarget,
  type PlanItem,
  type PlanItemName,
  type TierOverrides,
} from '../../shared/launch';
import { KNOB_TABLE, type KnobEnvName } from '../../shared/knobs';
import type { TierName } from '../../shared/tiers';

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
  'probe-affinity': 'CPUs the SLA probe runs on (the panel is not pinned)',
  ...(Object.fromEntries(KNOB_TABLE.map((knob) => [knob.env, knob.description])) as Record<
    KnobEnvName,
    string
  >),
};

/**
 * What the preview plans with while no launch report says what this machine allows: Linux with four
 * CPUs, every privilege and every tool, so each row shows the tier's full request. The table says so.
 */
export const ASSUMED_CAPABILITIES: Capabilities = {
  platform: 'linux',
  cpus: [0, 1, 2, 3],
  baseNice: 0,
  canLowerNiceness: true,
  niceFloor: -20,
  canRealtime: true,
  rtPriorityMax: 99,
  tools: { taskset: 'taskset', chrt: 'chrt', nice: 'nice', powershell: null },
  reasons: {},
};
export const ASSUMED_DESCRIPTION = 'assuming Linux, 4 CPUs, root and util-linux';

export interface PreviewBasis {
  /** From the last launch report; null: not known yet, so ASSUMED_CAPABILITIES. */
  readonly capabilities: Capabilities | null;
  readonly target: LaunchTarget['kind'];
}

const DEFAULT_BASIS: PreviewBasis = { capabilities: null, target: 'builtin' };

/**
 * What a tier (with overrides) will request, for when no report of that tier exists yet (relay
 * stopped, or a tier switched while stopped): the launch planner's own output, so the preview reads
 * as the report will. Applied stays empty; only a start can tell what the OS grants. Refusals the
 * plan already knows are given as reasons when the capabilities are this machine's, not assumed.
 */
export function previewRows(
  tier: TierName,
  saved: TierOverrides = {},
  environment: TierOverrides = {},
  basis: PreviewBasis = DEFAULT_BASIS,
): KnobRow[] {
  const capabilities = basis.capabilities ?? ASSUMED_CAPABILITIES;
  const target: LaunchTarget =
    basis.target === 'external'
      ? { kind: 'external', path: 'relay' }
      : { kind: 'builtin', execPath: 'node', script: 'relay' };
  const plan = planLaunch({
    tier,
    overrides: saved,
    environment,
    platform: capabilities.platform,
    capabilities,
    target,
    env: {},
  });
  return plan.requested.map((item) => {
    const reasons = plan.ungranted.filter((u) => u.name === item.name).map((u) => u.reason);
    return {
      name: item.name,
      appliedBy: item.appliedBy,
      requested: item.requested,
      applied: null,
      granted: null,
      reason: basis.capabilities !== null && reasons.length > 0 ? reasons.join('; ') : undefined,
      tierDefault: item.tierDefault,
      overridden: item.overridden,
      source: item.source,
    };
  });
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
  target: LaunchTarget['kind'] = 'builtin',
  machine: Capabilities | null = null,
): { rows: KnobRow[]; source: 'report' | 'preview'; assumed: boolean } {
  if (report && report.tier === tier) return { rows: reportRows(report), source: 'report', assumed: false };
  // The last report's capabilities are this machine's, whichever tier it was for; before any start,
  // the panel's own probe of this machine (launch.capabilities): never 4 assumed CPUs on a 2-CPU box.
  const capabilities = report?.capabilities ?? machine;
  const rows = previewRows(tier, overrides, environment, { capabilities, target });
  return { rows, source: 'preview', assumed: capabilities === null };
}

export function grantedCount(rows: readonly KnobRow[]): { granted: number; refused: number } {
  return {
    granted: rows.filter((r) => r.granted === true).length,
    refused: rows.filter((r) => r.granted === false).length,
  };
}
