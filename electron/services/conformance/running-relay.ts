import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { planKnobs } from '../../../shared/launch/plan-knobs';
import type { TierOverrides } from '../../../shared/launch/schema';
import { RELAY_ENV } from '../../../shared/relay-contract';
import { CONTRACT_SIGNALS } from '../../../shared/relay-contract-spec';
import type { TierName } from '../../../shared/tiers';
import { ClauseFailure, get } from './http-read';
import { spawnRelay, type RelayCommand, type RelayProcess } from './relay-process';

/** The binary under check, started under the contract's environment, and stopped as a panel would. */

export const PANEL_KEY = 'conformance-panel-key';
export const USER_KEY = 'conformance-user-key';
export const SIGTERM_BOUND_MS = CONTRACT_SIGNALS.find((s) => s.signal === 'SIGTERM')?.withinMs ?? 3000;

/** The environment a panel gives a relay at `tier`: the launch plan's knobs for an external binary. */
export function contractEnvironment(
  tier: TierName,
  overrides: TierOverrides,
  apiPort: number,
  peer: string,
): Record<string, string> {
  const cpus = os.availableParallelism();
  return {
    ...planKnobs(tier, overrides, 'external', cpus).env,
    [RELAY_ENV.tier]: tier,
    [RELAY_ENV.apiHost]: '127.0.0.1',
    [RELAY_ENV.apiPort]: String(apiPort),
    [RELAY_ENV.apiKeys]: `${PANEL_KEY},${USER_KEY}`,
    [RELAY_ENV.bitcoinNode]: peer,
    [RELAY_ENV.bitcoinNetwork]: 'regtest',
    [RELAY_ENV.logFormat]: 'json',
  };
}

export interface Running {
  readonly process: RelayProcess;
  readonly api: string;
  readonly health: string;
}

export async function startRelay(
  options: { readonly relay: RelayCommand; readonly startTimeoutMs?: number },
  env: Record<string, string>,
): Promise<Running> {
  const port = Number(env[RELAY_ENV.apiPort]);
  const running = {
    process: spawnRelay(options.relay, env),
    api: `http://127.0.0.1:${port}`,
    health: `http://127.0.0.1:${port + 1}`,
  };
  const deadline = Date.now() + (options.startTimeoutMs ?? 15_000);
  for (;;) {
    const answered = await get(`${running.health}/health`).catch(() => null);
    if (answered !== null) return running;
    if (running.process.child.exitCode !== null || running.process.child.signalCode !== null) {
      const exit = await running.process.exited;
      throw new ClauseFailure(
        `exited (code ${exit.code}) before answering /health: ${running.process.stderr.slice(-2).join(' ')}`,
      );
    }
    if (Date.now() > deadline) {
      await running.process.kill();
      throw new ClauseFailure(
        `no answer on /health (API_PORT+1) within ${options.startTimeoutMs ?? 15_000} ms`,
      );
    }
    await sleep(50);
  }
}

export async function stopRelay(running: Running | null): Promise<void> {
  if (!running) return;
  running.process.child.kill('SIGTERM');
  if ((await running.process.exitWithin(SIGTERM_BOUND_MS)) === null) await running.process.kill();
}
