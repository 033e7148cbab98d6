import type { LaunchReport, PlanItem } from '../../../shared/launch';
import { RELAY_ENV, type KnobReport } from '../../../shared/relay-contract';
import type { StepResult } from './apply';
import type { LaunchPlan, RequestedItem } from '../../../shared/launch/plan-types';
import { isOsItemName, type OsReadBack } from './readback';

/** Requested beside applied for every item, with the reason wherever they differ. */

export interface AppliedState {
  /** null until read back, or when it could not be (the process had gone). */
  readonly readBack: OsReadBack | null;
  /** Windows post-spawn steps; empty elsewhere. */
  readonly steps: readonly StepResult[];
}

/** The relay's /health `knobs`, keyed by env name ("GC_PERCENT") or contract key ("gcPercent"). */
export type RelayKnobs = Readonly<Record<string, KnobReport>>;

const contractKey = new Map(Object.entries(RELAY_ENV).map(([key, envName]) => [envName as string, key]));

/** The relay's null means "runtime default", which plans write as "default". */
const knobText = (value: KnobReport['applied']): string => (value === null ? 'default' : String(value));

/** What every item carries whoever applies it: what was asked, and whether the user asked it. */
function identity(item: RequestedItem) {
  return {
    name: item.name,
    requested: item.requested,
    tierDefault: item.tierDefault,
    overridden: item.overridden,
    source: item.source,
  };
}

function osItem(item: RequestedItem, planReason: string | undefined, applied: AppliedState | null): PlanItem {
  const value = isOsItemName(item.name) ? (applied?.readBack?.values[item.name] ?? null) : null;
  const failed = applied?.steps.find((step) => step.name === item.name && !step.ok);
  // "none" asks for no pinning, so whatever set of CPUs the process inherited satisfies it.
  const differs = value !== null && item.requested !== 'none' && value !== item.requested;
  const reason =
    planReason ??
    failed?.reason ??
    (differs ? `requested ${item.requested}, OS applied ${value}` : undefined);
  return { ...identity(item), appliedBy: 'os', applied: value, granted: reason === undefined, reason };
}

function relayItem(
  item: RequestedItem,
  planReason: string | undefined,
  knobs: RelayKnobs | undefined,
): PlanItem {
  const knob = knobs?.[item.name] ?? knobs?.[contractKey.get(item.name) ?? ''];
  const applied = knob === undefined ? null : knobText(knob.applied);
  // The relay's own requested/applied pair is compared, so its notation need not match ours. A null
  // request asks for the runtime's default, which whatever the runtime reports (Go: GOGC 100) is.
  const differs =
    knob !== undefined && knob.requested !== null && knobText(knob.requested) !== knobText(knob.applied);
  const relayReason = differs
    ? (knob.reason ?? `requested ${item.requested}, relay applied ${applied}`)
    : undefined;
  const reason = planReason ?? relayReason;
  return { ...identity(item), appliedBy: 'relay', applied, granted: reason === undefined, reason };
}

/**
 * granted is true while nothing says otherwise: before read-back `applied` is null and only the
 * plan's own refusals count; afterwards a differing read-back or a failed step also counts.
 */
export function buildLaunchReport(
  plan: LaunchPlan,
  applied: AppliedState | null,
  relayKnobs?: RelayKnobs,
): LaunchReport {
  const items = plan.requested.map((item) => {
    const reasons = plan.ungranted.filter((u) => u.name === item.name).map((u) => u.reason);
    const planReason = reasons.length > 0 ? reasons.join('; ') : undefined;
    return item.appliedBy === 'os'
      ? osItem(item, planReason, applied)
      : relayItem(item, planReason, relayKnobs);
  });
  return {
    tier: plan.tier,
    platform: plan.platform,
    argv: [plan.command, ...plan.args],
    items,
    readBackAt: applied?.readBack?.at ?? null,
    capabilities: plan.capabilities,
    target: plan.targetKind,
  };
}

/** The live probe's placement as read back from its own PID, or why it has none. */
export type ProbeReadBack = { readonly affinity: string } | { readonly failure: string };

/**
 * The launch report with the probe's placement (item `probe-affinity`) read back: the probe is
 * spawned after the relay, by the measurement side, so its read-back arrives later than the relay's.
 */
export function withProbeReadBack(report: LaunchReport, probe: ProbeReadBack): LaunchReport {
  const items = report.items.map((item): PlanItem => {
    if (item.name !== 'probe-affinity') return item;
    // A refusal the plan already knew (reason set before read-back) stays the reason.
    const planReason = item.granted ? undefined : item.reason;
    if ('failure' in probe) {
      const reason = planReason ? `${planReason}; ${probe.failure}` : probe.failure;
      return { ...item, applied: null, granted: false, reason };
    }
    const differs = item.requested !== 'none' && probe.affinity !== item.requested;
    const reason =
      planReason ?? (differs ? `requested ${item.requested}, OS applied ${probe.affinity}` : undefined);
    return { ...item, applied: probe.affinity, granted: reason === undefined, reason };
  });
  return { ...report, items };
}
