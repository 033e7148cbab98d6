import type { TierOverrides } from '../../../shared/launch';
import { TIERS, type PriorityClass, type TierName } from '../../../shared/tiers';
import { TOOL_HINTS, type Capabilities } from './capabilities';
import { formatCpuList, parseCpuList } from './cpus';
import type { PlannedItem, PostSpawnStep, Ungranted } from './plan-types';
import { affinityMaskText, WINDOWS_PRIORITY, windowsClassLabel } from './windows';

/** Priority, scheduling and affinity: what the OS applies, by exec wrappers or post-spawn steps. */

export const NICENESS: Readonly<Record<PriorityClass, number>> = {
  normal: 0,
  'above-normal': -5,
  high: -10,
  highest: -15,
};

export const FIFO_PRIORITY = 10;
const DEDICATED_MIN_CPUS = 4;
/** ProcessorAffinity covers one processor group of at most 64 CPUs. */
const WINDOWS_MASK_CPUS = 64;

export interface OsPlan {
  readonly items: readonly PlannedItem[];
  readonly ungranted: readonly Ungranted[];
  /** Exec wrappers, outermost first: taskset, chrt, nice. */
  readonly wrappers: readonly string[];
  readonly postSpawn: readonly PostSpawnStep[];
  /** CPUs the relay may run on once pinned (for MAX_CPU_CORES and GOMAXPROCS). */
  readonly usableCpus: number;
}

/** The CPUs an affinity request resolves to, or why it resolves to none. */
type AffinityWant = { cpus: number[] } | { cpus: null; reason?: string; label: string };

/** Issues with overrides that depend on this machine; the schema has already checked their shape. */
export function validateOverrides(overrides: TierOverrides, capabilities: Capabilities): string[] {
  const issues: string[] = [];
  if (overrides.cpus !== undefined) {
    const allowed = new Set(capabilities.cpus);
    const machine = formatCpuList(capabilities.cpus);
    try {
      const outside = parseCpuList(overrides.cpus).filter((id) => !allowed.has(id));
      if (outside.length > 0) {
        issues.push(
          `cpus override "${overrides.cpus}" names CPU ${outside.join(', ')}; this machine has ${machine}`,
        );
      }
    } catch (error) {
      issues.push(`cpus override: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return issues;
}

function affinityWant(tier: TierName, overrides: TierOverrides, capabilities: Capabilities): AffinityWant {
  const ids = capabilities.cpus;
  if (overrides.cpus !== undefined) {
    const issues = validateOverrides({ cpus: overrides.cpus }, capabilities);
    if (issues.length === 0) return { cpus: parseCpuList(overrides.cpus) };
    return { cpus: null, label: `cpus ${overrides.cpus}`, reason: `${issues.join('; ')}; not pinned` };
  }
  if (!TIERS[tier].dedicatedCores) return { cpus: null, label: 'none' };
  if (ids.length < DEDICATED_MIN_CPUS) {
    const reason = `machine has ${ids.length} cores; dedicated cores need ${DEDICATED_MIN_CPUS} or more`;
    return { cpus: null, label: 'dedicated cores', reason };
  }
  // The upper half goes to the relay; the lower cores stay with the panel and the rest of the system.
  return { cpus: ids.slice(Math.floor(ids.length / 2)) };
}

export function planOs(
  tier: TierName,
  overrides: TierOverrides,
  platform: NodeJS.Platform,
  capabilities: Capabilities,
): OsPlan {
  const spec = TIERS[tier];
  const items: PlannedItem[] = [];
  const ungranted: Ungranted[] = [];
  const refuse = (name: Ungranted['name'], reason: string | undefined) =>
    ungranted.push({ name, reason: reason ?? `not available on ${platform}` });
  const wrap = { taskset: [] as string[], chrt: [] as string[], nice: [] as string[] };
  const postSpawn: PostSpawnStep[] = [];
  const { tools, reasons } = capabilities;

  const priorityClass = overrides.priority ?? spec.priority;
  const overriddenPriority = overrides.priority !== undefined;
  if (platform === 'win32') {
    const value = WINDOWS_PRIORITY[priorityClass];
    const label = windowsClassLabel(value);
    items.push({ name: 'priority', appliedBy: 'os', requested: label, overridden: overriddenPriority });
    // REALTIME without elevation silently becomes HIGH; only read-back can tell, so it is asked for anyway.
    postSpawn.push({ kind: 'priority', value, requested: label });
  } else {
    const target = NICENESS[priorityClass];
    items.push({
      name: 'priority',
      appliedBy: 'os',
      requested: `nice ${target}`,
      overridden: overriddenPriority,
    });
    let granted = target;
    if (target < capabilities.baseNice && !capabilities.canLowerNiceness) {
      refuse('priority', reasons.lowerNiceness);
      granted = capabilities.baseNice;
    } else if (target < capabilities.niceFloor) {
      granted = capabilities.niceFloor;
      refuse('priority', `lowest niceness allowed is ${granted}; ${target} needs CAP_SYS_NICE or root`);
    }
    if (granted !== capabilities.baseNice) {
      // `nice -n` is relative to the niceness the child inherits from the panel.
      if (tools.nice === null) refuse('priority', TOOL_HINTS.nice);
      else wrap.nice = [tools.nice, '-n', String(granted - capabilities.baseNice)];
    }
  }

  const realtime = overrides.realtime ?? spec.realtime;
  const fifo = Math.min(FIFO_PRIORITY, Math.max(capabilities.rtPriorityMax, 1));
  items.push({
    name: 'scheduling',
    appliedBy: 'os',
    requested: realtime ? `SCHED_FIFO ${FIFO_PRIORITY}` : 'normal',
    overridden: overrides.realtime !== undefined,
  });
  if (realtime) {
    if (platform !== 'linux' || !capabilities.canRealtime || tools.chrt === null) {
      refuse('scheduling', reasons.realtime);
    } else {
      wrap.chrt = [tools.chrt, '-f', String(fifo)];
      if (fifo < FIFO_PRIORITY)
        refuse('scheduling', `SCHED_FIFO priority is capped at ${fifo} (RLIMIT_RTPRIO)`);
    }
  }

  const want = affinityWant(tier, overrides, capabilities);
  const label = want.cpus === null ? want.label : `cpus ${formatCpuList(want.cpus)}`;
  items.push({
    name: 'affinity',
    appliedBy: 'os',
    requested: label,
    overridden: overrides.cpus !== undefined,
  });
  let usableCpus = capabilities.cpus.length;
  if (want.cpus === null) {
    if (want.reason !== undefined) refuse('affinity', want.reason);
  } else if (platform === 'linux') {
    if (tools.taskset === null) refuse('affinity', TOOL_HINTS.taskset);
    else {
      wrap.taskset = [tools.taskset, '-c', formatCpuList(want.cpus)];
      usableCpus = want.cpus.length;
    }
  } else if (platform === 'win32') {
    if (want.cpus.some((id) => id >= WINDOWS_MASK_CPUS)) {
      refuse('affinity', `ProcessorAffinity covers CPUs 0-${WINDOWS_MASK_CPUS - 1} only`);
    } else if (tools.powershell === null) refuse('affinity', TOOL_HINTS.powershell);
    else {
      const mask = affinityMaskText(want.cpus);
      postSpawn.push({ kind: 'affinity', mask, powershell: tools.powershell, requested: label });
      usableCpus = want.cpus.length;
    }
  } else {
    refuse('affinity', platform === 'darwin' ? 'not available on macOS' : undefined);
  }

  const wrappers = [...wrap.taskset, ...wrap.chrt, ...wrap.nice];
  return { items, ungranted, wrappers, postSpawn, usableCpus };
}
