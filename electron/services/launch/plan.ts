import { RELAY_ENV } from '../../../shared/relay-contract';
import { planKnobs } from './plan-knobs';
import { planOs } from './plan-os';
import type { LaunchPlan, PlanInput, PlannedItem, RequestedItem } from './plan-types';

/**
 * (tier, overrides, platform, capabilities) → the argv, environment and expectations of one launch.
 * Pure: everything it knows about the machine comes in through `capabilities`.
 */
export function planLaunch(input: PlanInput): LaunchPlan {
  const { tier, overrides, platform, capabilities, target } = input;
  const osPlan = planOs(tier, overrides, platform, capabilities);
  const knobPlan = planKnobs(tier, overrides, target.kind, osPlan.usableCpus);

  // The same decision without overrides gives each item's tier default, in the same notation.
  const osDefault = planOs(tier, {}, platform, capabilities);
  const knobDefault = planKnobs(tier, {}, target.kind, osDefault.usableCpus);
  const defaults = new Map(
    [...osDefault.items, ...knobDefault.items].map((item) => [item.name, item.requested]),
  );
  const requested: RequestedItem[] = [...osPlan.items, ...knobPlan.items].map((item: PlannedItem) => ({
    ...item,
    tierDefault: defaults.get(item.name) ?? item.requested,
  }));

  const execTarget = target.kind === 'builtin' ? target.execPath : target.path;
  const argv = [...osPlan.wrappers, execTarget, ...(target.kind === 'builtin' ? [target.script] : [])];

  const env: Record<string, string> = {
    ...input.env,
    ...knobPlan.env,
    [RELAY_ENV.tier]: tier,
    [RELAY_ENV.logFormat]: 'json',
  };
  if (target.kind === 'builtin') {
    env.ELECTRON_RUN_AS_NODE = '1';
    // Our relay exits when its stdin closes, so it never outlives a panel that died without stopping it.
    env[RELAY_ENV.parentWatch] = '1';
  }

  return {
    tier,
    platform,
    command: osPlan.wrappers[0] ?? execTarget,
    args: argv.slice(1),
    env,
    execTarget,
    requested,
    ungranted: [...osPlan.ungranted, ...knobPlan.ungranted],
    postSpawn: osPlan.postSpawn,
  };
}
