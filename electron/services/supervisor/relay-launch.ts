import type { LaunchReport } from '../../../shared/launch';
import { RELAY_ENV, type BitcoinNetwork } from '../../../shared/relay-contract';
import type { Settings } from '../../../shared/settings';
import type { RelayResources } from './relay-service';

export interface RelayLaunchInput {
  readonly settings: Settings;
  readonly resources: RelayResources;
  readonly ports: { api: number; health: number };
  readonly upstream: string;
  readonly network: BitcoinNetwork;
  /** First key is the panel's own (exempt from rate limits). */
  readonly apiKeys: readonly string[];
}

export interface RelayLaunch {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly report: LaunchReport | null;
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
  };
}

/** Turns settings into the concrete spawn for the relay: builtin (run as Node) or external binary. */
export async function planRelayLaunch(input: RelayLaunchInput): Promise<RelayLaunch> {
  const { settings, resources } = input;
  const external = settings.relay.source === 'external' && settings.relay.externalPath;
  const env = {
    ...process.env,
    ...contractEnvironment(input),
    [RELAY_ENV.tier]: settings.tier,
    [RELAY_ENV.parentWatch]: '1',
    ELECTRON_RUN_AS_NODE: '1',
  };
  return external
    ? { command: external, args: [], env, report: null }
    : { command: resources.execPath, args: [resources.relayScript], env, report: null };
}
