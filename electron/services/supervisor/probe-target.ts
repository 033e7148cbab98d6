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
 * plan's OS wrappers (taskset, chrt, nice) so the probe runs at the relay's priority, not the UI's.
 */
export function probeTarget(
  plan: LaunchPlan,
  endpoint: { apiUrl: string; healthUrl: string; key: string },
  relayPid: number,
  demoPeerUrl: string | null,
): ProbeTarget {
  const argv = [plan.command, ...plan.args];
  const targetAt = argv.indexOf(plan.execTarget);
  return {
    ...endpoint,
    tier: plan.tier,
    relayPid,
    argvPrefix: targetAt > 0 ? argv.slice(0, targetAt) : [],
    demoPeerUrl,
  };
}
