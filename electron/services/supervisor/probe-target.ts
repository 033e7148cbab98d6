import type { LaunchPlan } from '../../../shared/launch';
import type { TierName } from '../../../shared/tiers';

export interface ProbeTarget {
  readonly apiUrl: string;
  readonly healthUrl: string;
  readonly key: string;
  readonly tier: TierName;
  readonly relayPid: number;
  readonly argvPrefix: readonly string[];
  readonly demoPeerUrl: string | null;
}

/**
 * What the SLA probe needs once the relay is ready: where to probe, with which key, and the launch
 * plan's probe wrappers (taskset, chrt, nice: LaunchPlan.probePrefix) so the probe runs at the
 * relay's priority, not the UI's, and on the CPUs the plan places it on. The live probe, the SLA
 * test and the tuning experiment all take them from here.
 */
export function probeTarget(
  plan: LaunchPlan,
  endpoint: { apiUrl: string; healthUrl: string; key: string },
  relayPid: number,
  demoPeerUrl: string | null,
): ProbeTarget {
  return { ...endpoint, tier: plan.tier, relayPid, argvPrefix: plan.probePrefix, demoPeerUrl };
}
