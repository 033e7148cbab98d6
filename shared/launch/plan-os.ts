import type { TierOverrides } from './schema';
import { TIERS, type PriorityClass, type TierName } from '../tiers';
import { TOOL_HINTS, type Capabilities, type Platform } from './capabilities';
import { formatCpuList, parseCpuList } from './cpus';
import type { PlannedItem, PostSpawnStep, Ungranted } from './plan-types';
import { affinityMaskText, WINDOWS_PRIORITY, windowsClassLabel } from './win32';

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
  /** The SLA probe's wrappers: the relay's scheduling and priority, on the probe's CPUs. */
  readonly probeWrappers: readonly string[];
  readonly postSpawn: readonly PostSpawnStep[];
  /** CPUs the relay may run on once pinned (for MAX_CPU_CORES and GOMAXPROCS). */
  readonly usableCpus: number;
}

/** The CPUs an affinity request resolves to, or why it resolves to none. */
type AffinityWant = { cpus: number[] } | { cpus: null; reason?: string; label: string };

/** The overrides that name CPUs, and how an issue with each is introduced. */
const CPU_LIST_OVERRIDES = { cpus: 'cpus', probeCpus: 'probeCpus' } as const;

/** Issues with overrides that depend on this machine; the schema has already checked their shape. */
export function validateOverrides(overrides: TierOverrides, capabilities: Capabilities): string[] {
  const issues: string[] = [];
  const allowed = new Set(capabilities.cpus);
  const machine = formatCpuList(capabilities.cpus);
  for (const key of Object.values(CPU_LIST_OVERRIDES)) {
    const list = overrides[key];
    if (list === undefined) continue;
    try {
      const outside = parseCpuList(list).filter((id) => !allowed.has(id));
      if (outside.length > 0) {
        issues.push(`${key} override "${list}" names CPU ${outside.join(', ')}; this machine has ${machine}`);
      }
    } catch (error) {
      issues.push(`${key} override: ${error instanceof Error ? error.message : String(error)}`);
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

/** One OS item's decision: what it asks, what it cannot get, and how it gets the rest. */
interface Part {
  readonly item: PlannedItem;
  readonly refused: readonly string[];
  readonly wrapper: readonly string[];
  readonly postSpawn: readonly PostSpawnStep[];
  /** Set when the part pins the relay to fewer CPUs than the panel has. */
  readonly pinnedCpus?: number;
}

const notOn = (platform: Platform, reason: string | undefined) => reason ?? `not available on ${platform}`;

function priorityPart(
  requested: PriorityClass,
  overridden: boolean,
  platform: Platform,
  caps: Capabilities,
): Part {
  if (platform === 'win32') {
    const value = WINDOWS_PRIORITY[requested];
    const label = windowsClassLabel(value);
    // REALTIME without elevation silently becomes HIGH; only read-back can tell, so it is asked for anyway.
    const postSpawn = [{ kind: 'priority', value, requested: label } as const];
    return {
      item: { name: 'priority', appliedBy: 'os', requested: label, overridden },
      refused: [],
      wrapper: [],
      postSpawn,
    };
  }
  const target = NICENESS[requested];
  const item: PlannedItem = { name: 'priority', appliedBy: 'os', requested: `nice ${target}`, overridden };
  const refused: string[] = [];
  let nice = target;
  if (target < caps.baseNice && !caps.canLowerNiceness) {
    refused.push(notOn(platform, caps.reasons.lowerNiceness));
    nice = caps.baseNice;
  } else if (target < caps.niceFloor) {
    nice = caps.niceFloor;
    refused.push(`lowest niceness allowed is ${nice}; ${target} needs CAP_SYS_NICE or root`);
  }
  if (nice === caps.baseNice) return { item, refused, wrapper: [], postSpawn: [] };
  if (caps.tools.nice === null)
    return { item, refused: [...refused, TOOL_HINTS.nice], wrapper: [], postSpawn: [] };
  // `nice -n` is relative to the niceness the child inherits from the panel.
  return { item, refused, wrapper: [caps.tools.nice, '-n', String(nice - caps.baseNice)], postSpawn: [] };
}

function schedulingPart(
  realtime: boolean,
  overridden: boolean,
  platform: Platform,
  caps: Capabilities,
): Part {
  const requested = realtime ? `SCHED_FIFO ${FIFO_PRIORITY}` : 'normal';
  const item: PlannedItem = { name: 'scheduling', appliedBy: 'os', requested, overridden };
  if (!realtime) return { item, refused: [], wrapper: [], postSpawn: [] };
  if (platform !== 'linux' || !caps.canRealtime || caps.tools.chrt === null) {
    return { item, refused: [notOn(platform, caps.reasons.realtime)], wrapper: [], postSpawn: [] };
  }
  const fifo = Math.min(FIFO_PRIORITY, Math.max(caps.rtPriorityMax, 1));
  const refused = fifo < FIFO_PRIORITY ? [`SCHED_FIFO priority is capped at ${fifo} (RLIMIT_RTPRIO)`] : [];
  return { item, refused, wrapper: [caps.tools.chrt, '-f', String(fifo)], postSpawn: [] };
}

function affinityPart(want: AffinityWant, overridden: boolean, platform: Platform, caps: Capabilities): Part {
  const requested = want.cpus === null ? want.label : `cpus ${formatCpuList(want.cpus)}`;
  const item: PlannedItem = { name: 'affinity', appliedBy: 'os', requested, overridden };
  const none = (reason: string | undefined): Part => ({
    item,
    refused: reason === undefined ? [] : [reason],
    wrapper: [],
    postSpawn: [],
  });
  if (want.cpus === null) return none(want.reason);
  const pinnedCpus = want.cpus.length;
  if (platform === 'linux') {
    if (caps.tools.taskset === null) return none(TOOL_HINTS.taskset);
    const wrapper = [caps.tools.taskset, '-c', formatCpuList(want.cpus)];
    return { item, refused: [], wrapper, postSpawn: [], pinnedCpus };
  }
  if (platform === 'win32') {
    if (want.cpus.some((id) => id >= WINDOWS_MASK_CPUS)) {
      return none(`ProcessorAffinity covers CPUs 0-${WINDOWS_MASK_CPUS - 1} only`);
    }
    if (caps.tools.powershell === null) return none(TOOL_HINTS.powershell);
    const step = {
      kind: 'affinity',
      mask: affinityMaskText(want.cpus),
      powershell: caps.tools.powershell,
      requested,
    } as const;
    return { item, refused: [], wrapper: [], postSpawn: [step], pinnedCpus };
  }
  return none(notOn(platform, platform === 'darwin' ? 'not available on macOS' : undefined));
}

/**
 * Where the SLA probe runs. Without a probeCpus override it runs under the relay's own wrappers, so
 * it asks for whatever the relay was pinned to ("none" when the relay is not pinned). With one, it
 * is pinned apart by taskset (Linux; elsewhere refused with the reason) and keeps the relay's
 * scheduling and priority, so only its placement differs.
 */
function probeAffinityPart(
  probeCpus: string | undefined,
  relayAffinity: Part,
  platform: Platform,
  caps: Capabilities,
): Part {
  const name = 'probe-affinity';
  if (probeCpus === undefined) {
    const pinned = relayAffinity.wrapper.length > 0 ? relayAffinity.item.requested : 'none';
    return {
      item: { name, appliedBy: 'os', requested: pinned, overridden: false },
      refused: [],
      wrapper: relayAffinity.wrapper,
      postSpawn: [],
    };
  }
  const issues = validateOverrides({ probeCpus }, caps);
  const label = issues.length === 0 ? `cpus ${formatCpuList(parseCpuList(probeCpus))}` : `cpus ${probeCpus}`;
  const item: PlannedItem = { name, appliedBy: 'os', requested: label, overridden: true };
  const refused = (reason: string): Part => ({ item, refused: [reason], wrapper: [], postSpawn: [] });
  if (issues.length > 0) return refused(`${issues.join('; ')}; the probe is not pinned`);
  if (platform !== 'linux') return refused(`the probe is placed with taskset, on Linux only`);
  if (caps.tools.taskset === null) return refused(TOOL_HINTS.taskset);
  return {
    item,
    refused: [],
    wrapper: [caps.tools.taskset, '-c', formatCpuList(parseCpuList(probeCpus))],
    postSpawn: [],
  };
}

export function planOs(
  tier: TierName,
  overrides: TierOverrides,
  platform: Platform,
  capabilities: Capabilities,
): OsPlan {
  const spec = TIERS[tier];
  const priority = priorityPart(
    overrides.priority ?? spec.priority,
    overrides.priority !== undefined,
    platform,
    capabilities,
  );
  const scheduling = schedulingPart(
    overrides.realtime ?? spec.realtime,
    overrides.realtime !== undefined,
    platform,
    capabilities,
  );
  const want = affinityWant(tier, overrides, capabilities);
  const affinity = affinityPart(want, overrides.cpus !== undefined, platform, capabilities);
  const probe = probeAffinityPart(overrides.probeCpus, affinity, platform, capabilities);
  const parts = [priority, scheduling, affinity, probe];
  return {
    items: parts.map((part) => part.item),
    ungranted: parts.flatMap((part) => part.refused.map((reason) => ({ name: part.item.name, reason }))),
    // Outermost first, each exec'ing the next in place: taskset, chrt, nice, then the target.
    wrappers: [...affinity.wrapper, ...scheduling.wrapper, ...priority.wrapper],
    probeWrappers: [...probe.wrapper, ...scheduling.wrapper, ...priority.wrapper],
    // Priority before affinity, so the relay's warm-up already runs at its class.
    postSpawn: parts.flatMap((part) => part.postSpawn),
    usableCpus: affinity.pinnedCpus ?? capabilities.cpus.length,
  };
}
