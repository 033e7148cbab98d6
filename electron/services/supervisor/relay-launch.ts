import { GoRuntimeReport, RELAY_ENV, RelayHealth, type BitcoinNetwork } from '../../../shared/relay-contract';
import { targetKind, type LaunchReport } from '../../../shared/launch';
import type { Settings } from '../../../shared/settings';
import {
  applyPostSpawn,
  buildLaunchReport,
  planLaunch,
  probeCapabilities,
  readBack,
  type LaunchPlan,
  type LaunchTarget,
  type ProbeReadBack,
  type StepResult,
  withRuntimeReadBack,
} from '../launch';
import { panelEnvironmentOverrides } from '../profiles/environment';
import { osEnvironment } from './child-env';
import { httpGet } from './http-check';
import type { RelayResources } from './relay-resources';

export interface RelayLaunchInput {
  readonly settings: Settings;
  readonly resources: RelayResources;
  readonly ports: { api: number; health: number };
  readonly upstream: string;
  readonly network: BitcoinNetwork;
  /** First key is the panel's own (exempt from rate limits). */
  readonly apiKeys: readonly string[];
  /** The relay's header store folder (DATA_DIR): `<panel data folder>/relay`. None: memory only. */
  readonly dataDir?: string;
}

export interface RelayLaunch {
  readonly plan: LaunchPlan;
  /** Requested only until the relay is up; then requested beside applied (see `readBackReport`). */
  readonly report: LaunchReport;
}

/** The contract's environment that does not depend on the tier: where to listen and whom to follow. */
export function contractEnvironment(input: RelayLaunchInput): Record<string, string> {
  return {
    [RELAY_ENV.apiHost]: '127.0.0.1',
    [RELAY_ENV.apiPort]: String(input.ports.api),
    [RELAY_ENV.apiKeys]: input.apiKeys.join(','),
    [RELAY_ENV.bitcoinNode]: input.upstream,
    [RELAY_ENV.bitcoinNetwork]: input.network,
    [RELAY_ENV.logFormat]: 'json',
    ...(input.dataDir ? { [RELAY_ENV.dataDir]: input.dataDir } : {}),
  };
}

export function launchTarget(settings: Settings, resources: RelayResources): LaunchTarget {
  return targetKind(settings.relay) === 'external' && settings.relay.externalPath
    ? { kind: 'external', path: settings.relay.externalPath }
    : { kind: 'builtin', execPath: resources.execPath, script: resources.relayScript };
}

/** Plans the relay's spawn for the selected tier on this machine (capabilities probed once). */
export async function planRelayLaunch(input: RelayLaunchInput): Promise<RelayLaunch> {
  const { settings } = input;
  const plan = planLaunch({
    tier: settings.tier,
    overrides: settings.overrides[settings.tier] ?? {},
    environment: panelEnvironmentOverrides().values,
    platform: process.platform,
    capabilities: await probeCapabilities(),
    target: launchTarget(settings, input.resources),
    env: { ...osEnvironment(), ...contractEnvironment(input) },
  });
  return { plan, report: buildLaunchReport(plan, null) };
}

/** Windows applies priority and affinity after spawn; elsewhere this resolves at once with none. */
export function applyAfterSpawn(plan: LaunchPlan, pid: number): Promise<StepResult[]> {
  return applyPostSpawn(pid, plan);
}

/**
 * Requested beside applied: what the OS reports for the running relay, and what the relay itself
 * says it could apply of its knobs (its /health). Neither failing stops the relay; the report says so.
 */
export async function readBackReport(
  plan: LaunchPlan,
  pid: number,
  steps: readonly StepResult[],
  healthUrl: string,
): Promise<LaunchReport> {
  // One retry: a /proc read can fail for a moment right after a start (a thread ending while listed,
  // a loaded machine); a report without any read-back would say nothing was applied.
  const read = () => readBack(pid, plan.platform, { execTarget: plan.execTarget });
  const applied = await read()
    .catch(async () => {
      await new Promise((resolve) => setTimeout(resolve, 100));
      return read();
    })
    .catch(() => null);
  const health = await httpGet(healthUrl, 1000)
    .then(({ body }) => JSON.parse(body) as { knobs?: unknown; runtime?: unknown })
    .catch(() => undefined);
  const knobs = RelayHealth.shape.knobs.safeParse(health?.knobs).data;
  const runtime = GoRuntimeReport.safeParse(health?.runtime).data;
  return buildLaunchReport(plan, { readBack: applied, steps }, withRuntimeReadBack(plan, knobs, runtime));
}

/**
 * Where the live probe runs, read back from its PID once it runs its own code: its CPUs in the plan's
 * notation ("cpus 0"), as the relay's affinity is read. null where the OS offers no affinity to read.
 */
export async function readProbePlacement(
  plan: LaunchPlan,
  pid: number,
  execPath: string,
): Promise<ProbeReadBack | null> {
  try {
    const read = await readBack(pid, plan.platform, { execTarget: execPath, timeoutMs: 5000 });
    return read.values.affinity === undefined ? null : { affinity: read.values.affinity };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { failure: `the probe's placement could not be read back (${message})` };
  }
}
