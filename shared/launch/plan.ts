import { KNOB_ENV_NAMES } from '../knobs';
import { layerOverrides, overrideSource } from '../profile-env';
import { RELAY_ENV } from '../relay-contract';
import { planKnobs } from './plan-knobs';
import { planOs } from './plan-os';
import type { LaunchPlan, LaunchTarget, PlanInput, PlannedItem, RequestedItem } from './plan-types';

/** Which kind of relay the settings' relay section starts: an external binary only once it has a path. */
export function targetKind(relay: {
  readonly source: 'builtin' | 'external';
  readonly externalPath: string | null;
}): LaunchTarget['kind'] {
  return relay.source === 'external' && relay.externalPath ? 'external' : 'builtin';
}

/**
 * (tier, overrides, platform, capabilities) → the argv, environment and expectations of one launch.
 * Pure: everything it knows about the machine comes in through `capabilities`.
 */
export function planLaunch(input: PlanInput): LaunchPlan {
  const { tier, platform, capabilities, target } = input;
  const environment = input.environment ?? {};
  const overrides = layerOverrides(input.overrides, environment);
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
    source: item.overridden ? overrideSource(item.name, input.overrides, environment) : 'tier',
  }));

  const execTarget = target.kind === 'builtin' ? target.execPath : target.path;
  // V8 flags (the semi-space knob) go before the script: Node reads them at start, and packaged
  // Electron may refuse NODE_OPTIONS.
  const argv = [
    ...osPlan.wrappers,
    execTarget,
    ...(target.kind === 'builtin' ? [...knobPlan.runtimeFlags, target.script] : []),
  ];

  // A knob the plan leaves to the runtime default must not leak in from the panel's own environment
  // (unvalidated: GC_PERCENT=abc would stop the relay); the plan has already read and checked it.
  const inherited = Object.fromEntries(Object.entries(input.env).filter(([name]) => !KNOB_ENV.has(name)));
  const env: Record<string, string> = {
    ...inherited,
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
    probePrefix: osPlan.probeWrappers,
    env,
    execTarget,
    requested,
    ungranted: [...osPlan.ungranted, ...knobPlan.ungranted],
    postSpawn: osPlan.postSpawn,
    capabilities,
    targetKind: target.kind,
  };
}

const KNOB_ENV: ReadonlySet<string> = new Set(KNOB_ENV_NAMES);
