import { planLaunch, type Capabilities, type LaunchTarget, type TierOverrides } from '../../../shared/launch';
import { formatCpuList } from '../../../shared/launch/cpus';
import { MIN_MEMORY_LIMIT_MIB } from '../../../shared/launch/schema';
import { NICENESS } from '../../../shared/launch/plan-os';
import { TIERS, type PriorityClass, type TierName } from '../../../shared/tiers';
import type { SkippedCandidate, TuneCandidate } from '../../../shared/tuning';

/**
 * Listed by relevance (a short budget drops the last ones first): real-time, affinity, priority, knobs.
 * The probe's placement is an override like the rest (probeCpus), so every candidate can be applied.
 *
 * The launch plans worth comparing for a tier on this machine: the tier's default, then one change
 * at a time (real-time scheduling, priority, affinity, runtime knobs). One factor at a time rather
 * than every combination: with k candidates each gets 1/k of the budget, and a full factorial of
 * even three factors would leave each too few probes for a p99.9. A candidate this machine cannot
 * grant, or that would run exactly as another one here, is listed as skipped with the reason.
 */

export interface CandidateSet {
  readonly candidates: TuneCandidate[];
  readonly skipped: SkippedCandidate[];
}

interface Proposal {
  readonly id: string;
  readonly label: string;
  readonly overrides: TierOverrides;
}

/**
 * Semi-spaces tried for our Node relay, fixed at each size from the start (shared/knobs.ts): V8's own
 * default grows one from 1 MiB up to 16 MiB on 64-bit as survivors demand. Smaller ones scavenge more
 * often over less; larger ones less often, each pause copying more.
 */
const SEMI_SPACE_STEPS_MIB: readonly number[] = [16, 64];

/** The priority levels tried, less the tier's own (above-normal is close enough to normal to skip). */
const PRIORITY_STEPS: readonly PriorityClass[] = ['normal', 'high', 'highest'];

export function tuningCandidates(
  tier: TierName,
  capabilities: Capabilities,
  targetKind: LaunchTarget['kind'],
): CandidateSet {
  const spec = TIERS[tier];
  const proposals: Proposal[] = [{ id: 'default', label: `tier default`, overrides: {} }];
  const skipped: SkippedCandidate[] = [];

  proposals.push({
    id: spec.realtime ? 'realtime-off' : 'realtime-on',
    label: spec.realtime ? 'real-time off' : 'real-time on',
    overrides: { realtime: !spec.realtime },
  });
  const cpus = capabilities.cpus;
  if (cpus.length >= 2) {
    const relayCpus = formatCpuList(cpus.slice(Math.floor(cpus.length / 2)));
    const otherCpus = formatCpuList(cpus.slice(0, Math.floor(cpus.length / 2)));
    // Only the relay and the probe are pinned: the panel (and everything else) may still run anywhere.
    proposals.push({
      id: 'affinity-apart',
      label: `relay on CPU ${relayCpus}, probe apart on CPU ${otherCpus} (the panel is not pinned)`,
      overrides: { cpus: relayCpus, probeCpus: otherCpus },
    });
    proposals.push({
      id: 'affinity-shared',
      label: `relay and probe pinned together on CPU ${relayCpus}`,
      overrides: { cpus: relayCpus },
    });
  } else {
    skipped.push({
      label: 'affinity (relay apart from probe)',
      reason: `this machine offers ${cpus.length} CPU`,
    });
  }
  if (spec.dedicatedCores && cpus.length >= 4) {
    proposals.push({ id: 'affinity-none', label: 'no pinning', overrides: { cpus: formatCpuList(cpus) } });
  }

  for (const priority of PRIORITY_STEPS) {
    if (priority === spec.priority) continue;
    proposals.push({
      id: `priority-${priority}`,
      label: `priority ${priority} (nice ${NICENESS[priority]})`,
      overrides: { priority },
    });
  }

  if (targetKind === 'external') {
    // A Go binary: its runtime reads GOGC (from GC_PERCENT), GOMEMLIMIT and GOMAXPROCS (from
    // MAX_CPU_CORES) at start.
    const gc = spec.knobs.gcOff ? 'off' : spec.knobs.gcPercent;
    for (const value of [100, 25] as const) {
      if (gc === value) continue;
      proposals.push({ id: `gogc-${value}`, label: `GOGC ${value}`, overrides: { gcPercent: value } });
    }
    const budget = spec.knobs.memoryBudgetMiB;
    if (gc === 'off') {
      // With GC off the memory limit alone paces the collector: a smaller one collects more often,
      // each time over less heap.
      const smaller = Math.max(MIN_MEMORY_LIMIT_MIB, Math.round(budget / 4));
      proposals.push({
        id: `gomemlimit-${smaller}`,
        label: `GOGC off, GOMEMLIMIT ${smaller} MiB`,
        overrides: { memoryLimitMiB: smaller },
      });
    } else {
      proposals.push({
        id: 'gogc-off',
        label: `GOGC off, GOMEMLIMIT ${budget} MiB`,
        overrides: { gcPercent: 'off', memoryLimitMiB: budget },
      });
    }
    if (cpus.length > 1) {
      proposals.push({ id: 'gomaxprocs-1', label: 'GOMAXPROCS 1', overrides: { maxCpuCores: 1 } });
    }
  } else {
    for (const mib of SEMI_SPACE_STEPS_MIB) {
      proposals.push({
        id: `semispace-${mib}`,
        label: `V8 semi-space ${mib} MiB`,
        overrides: { semiSpaceMiB: mib },
      });
    }
    skipped.push({
      label: 'GC target (GC_PERCENT)',
      reason: 'our Node relay cannot change V8’s collector target; it only reports the setting',
    });
  }

  return decide(tier, capabilities, targetKind, proposals, skipped);
}

/** Keeps what this machine grants in full and runs differently from every candidate before it. */
function decide(
  tier: TierName,
  capabilities: Capabilities,
  targetKind: LaunchTarget['kind'],
  proposals: readonly Proposal[],
  skipped: SkippedCandidate[],
): CandidateSet {
  const target: LaunchTarget =
    targetKind === 'builtin'
      ? { kind: 'builtin', execPath: '/relay-runtime', script: 'relay.mjs' }
      : { kind: 'external', path: '/relay-binary' };
  const planOf = (overrides: TierOverrides) =>
    planLaunch({ tier, overrides, platform: capabilities.platform, capabilities, target, env: {} });
  const reference = planOf({});
  const known = new Set(reference.ungranted.map((u) => `${u.name}:${u.reason}`));
  const seen = new Map<string, string>();
  const candidates: TuneCandidate[] = [];
  for (const proposal of proposals) {
    const plan = planOf(proposal.overrides);
    // Refused: whatever the candidate itself asks for and cannot get, and anything new it brings on.
    const asked = new Set(plan.requested.filter((item) => item.overridden).map((item) => item.name));
    const refused = plan.ungranted.filter((u) => asked.has(u.name) || !known.has(`${u.name}:${u.reason}`));
    if (refused.length > 0) {
      skipped.push({ label: proposal.label, reason: refused.map((u) => u.reason).join('; ') });
      continue;
    }
    const signature = JSON.stringify([plan.command, plan.args, plan.env, plan.probePrefix]);
    if (proposal.id === 'affinity-shared' && plan.args.some((arg) => /(^|[\\/])chrt$/.test(arg))) {
      // Measured here: an enterprise relay busy-polls its core at SCHED_FIFO; a probe pinned beside it
      // at the same priority never runs (it could not even be killed until the relay was).
      skipped.push({
        label: proposal.label,
        reason: 'a real-time relay keeps its core busy; a real-time probe pinned to the same core cannot run',
      });
      continue;
    }
    const same = seen.get(signature);
    if (same !== undefined) {
      skipped.push({ label: proposal.label, reason: `runs exactly as “${same}” on this machine` });
      continue;
    }
    seen.set(signature, proposal.label);
    const probeCpus = proposal.overrides.probeCpus ?? null;
    candidates.push({
      id: proposal.id,
      label: proposal.label,
      overrides: proposal.overrides,
      probe: probeCpus === null ? 'with-relay' : 'apart',
      probeCpus,
      // Every candidate is a set of the tier's overrides, the probe's placement (probeCpus) included:
      // the live probe runs under the same plan, so what was measured is what applying it runs.
      applicable: true,
    });
  }
  return { candidates, skipped };
}
