import { setTimeout as sleep } from 'node:timers/promises';
import {
  CLAUSE_TITLES,
  type ClauseId,
  type ClauseResult,
  type ConformanceReport,
} from '../../../shared/conformance';
import type { TierOverrides } from '../../../shared/launch/schema';
import type { RelayHealth } from '../../../shared/relay-contract';
import { RELAY_ENV } from '../../../shared/relay-contract';
import { type TierName } from '../../../shared/tiers';
import { startTestPeer, type TestPeer } from './peer';
import { freePortPair } from '../supervisor/ports';
import { spawnRelay, type RelayCommand } from './relay-process';
import { fail, get } from './http-read';
import { SIGTERM_BOUND_MS, contractEnvironment, startRelay, stopRelay, type Running } from './running-relay';
import {
  checkApiKeys,
  checkFamilies,
  checkGoRuntime,
  checkHealth,
  checkLogFields,
  checkRateLimit,
  checkReadiness,
  checkStream,
  defaultPromtool,
  isGo,
} from './clauses';

/**
 * The conformance check: one relay binary started under the contract's environment against a test
 * peer, each clause of shared/relay-contract-spec.ts tried as a client would, one result per clause.
 */

export interface ConformanceOptions {
  /** Any executable (args optional): the built-in relay is Node plus dist/relay/relay.mjs. */
  readonly relay: RelayCommand;
  /** What the report calls it: the path the user gave. */
  readonly label: string;
  /** The demo peer (Node plus dist/relay/demo-peer.mjs). */
  readonly peer: RelayCommand;
  /** promtool's path, or null when it is not installed (the clause is then not applicable). */
  readonly promtool: string | null;
  readonly runPromtool?: (promtool: string, text: string) => Promise<{ ok: boolean; output: string }>;
  readonly onResult?: (result: ClauseResult) => void;
  /** Waits, scaled for slow machines; tests shorten nothing but may lengthen them. */
  readonly startTimeoutMs?: number;
}

/** The tier switch asks for values a runtime would not pick by itself, so ignoring them shows. */
const SWITCH_TIER: TierName = 'enterprise';
const SWITCH_OVERRIDES: TierOverrides = { maxCpuCores: 1, memoryLimitMiB: 200 };

export async function runConformance(options: ConformanceOptions): Promise<ConformanceReport> {
  const startedAt = Date.now();
  const results: ClauseResult[] = [];
  const record = (clause: ClauseId, status: ClauseResult['status'], why: string): void => {
    const result = { clause, title: CLAUSE_TITLES[clause], status, why };
    results.push(result);
    options.onResult?.(result);
  };
  const attempt = async (clause: ClauseId, check: () => Promise<string> | string): Promise<boolean> => {
    try {
      record(clause, 'pass', await check());
      return true;
    } catch (error) {
      record(clause, 'fail', error instanceof Error ? error.message : String(error));
      return false;
    }
  };
  const blocked = (clauses: readonly ClauseId[], why: string) => {
    for (const clause of clauses) if (!results.some((r) => r.clause === clause)) record(clause, 'fail', why);
  };

  let runtime: string | null = null;
  let peer: TestPeer | null = null;
  let running: Running | null = null;
  try {
    peer = await startTestPeer(options.peer);
    await peer.mine(1);

    await attempt('bad-variable-exit-2', async () => {
      const { api: port } = await freePortPair();
      const env = {
        ...contractEnvironment('free', {}, port, peer!.address),
        [RELAY_ENV.tier]: 'no-such-tier',
      };
      const bad = spawnRelay(options.relay, env);
      const exit = await bad.exitWithin(5000);
      if (exit === null) {
        await bad.kill();
        fail('still running 5 s after TIER=no-such-tier');
      }
      if (exit!.code !== 2) fail(`TIER=no-such-tier: exit code ${exit!.code ?? exit!.signal}, not 2`);
      await sleep(20); // The last stderr line may still be in the pipe.
      if (!bad.stderr.some((line) => line.includes('TIER'))) fail('exit code 2, but no log line names TIER');
      return 'TIER=no-such-tier: exit code 2, the log names TIER';
    });

    const tier: TierName = 'free';
    const env = contractEnvironment(tier, {}, (await freePortPair()).api, peer.address);
    const main = await startRelay(options, env).catch((error: unknown) => error);
    if (!('process' in (main as object))) {
      const why = main instanceof Error ? main.message : String(main);
      blocked(
        [
          'health-schema',
          'readiness',
          'log-fields',
          'metrics-promtool',
          'metrics-families',
          'api-keys',
          'rate-limit',
          'stream-schema',
          'sigterm',
        ],
        why,
      );
    } else {
      running = main as Running;
      const current = running;
      let health: RelayHealth | null = null;
      await attempt('health-schema', async () => {
        health = checkHealth((await get(`${current.health}/health`)).text, tier);
        runtime = (health.runtime as { name?: string }).name ?? null;
        return `valid, tier "${tier}", runtime ${runtime ?? 'not named'}`;
      });
      await attempt('readiness', () => checkReadiness(current, 20_000));
      let scrapeError = 'nothing';
      const metrics = await get(`${current.health}/metrics`).catch((error: unknown) => {
        scrapeError = error instanceof Error ? error.message : String(error);
        return null;
      });
      if (options.promtool === null)
        record('metrics-promtool', 'not-applicable', 'promtool is not installed');
      else {
        const promtool = options.promtool;
        await attempt('metrics-promtool', async () => {
          if (!metrics || metrics.status !== 200)
            fail(metrics ? `/metrics answered ${metrics.status}` : scrapeError);
          const lint = await (options.runPromtool ?? defaultPromtool)(promtool, metrics!.text);
          if (!lint.ok) fail(`promtool: ${lint.output.split('\n').slice(0, 3).join('; ')}`);
          return 'promtool check metrics: clean';
        });
      }
      await attempt('metrics-families', () => {
        if (!metrics || metrics.status !== 200)
          fail(metrics ? `/metrics answered ${metrics.status}` : scrapeError);
        return checkFamilies(metrics!.text);
      });
      await attempt('api-keys', () => checkApiKeys(current));
      await attempt('rate-limit', () => checkRateLimit(current, tier));
      await attempt('stream-schema', () => checkStream(current, peer!));
      await attempt('log-fields', () => checkLogFields(current.process.stderr));
      await attempt('sigterm', async () => {
        current.process.child.kill('SIGTERM');
        const exit = await current.process.exitWithin(SIGTERM_BOUND_MS);
        if (exit === null) fail(`still running ${SIGTERM_BOUND_MS} ms after SIGTERM`);
        if (exit!.code !== 0) fail(`exit code ${exit!.code ?? exit!.signal} after SIGTERM, not 0`);
        return `exit code 0 within ${SIGTERM_BOUND_MS} ms`;
      });
      await current.process.kill();
      running = null;
      void health;
    }

    const switchEnv = contractEnvironment(
      SWITCH_TIER,
      SWITCH_OVERRIDES,
      (await freePortPair()).api,
      peer.address,
    );
    const switched = await startRelay(options, switchEnv).catch((error: unknown) => error);
    if (!('process' in (switched as object))) {
      const why = switched instanceof Error ? switched.message : String(switched);
      blocked(['tier-switch', 'go-runtime-readback'], `restarted as ${SWITCH_TIER}: ${why}`);
    } else {
      running = switched as Running;
      const current = running;
      let health: RelayHealth | null = null;
      await attempt('tier-switch', async () => {
        health = checkHealth((await get(`${current.health}/health`)).text, SWITCH_TIER);
        const metrics = await get(`${current.health}/metrics`);
        if (!new RegExp(`bitcoin_sprint_tier_info\\{[^}]*tier="${SWITCH_TIER}"`).test(metrics.text)) {
          fail(`/metrics has no bitcoin_sprint_tier_info{tier="${SWITCH_TIER}"}`);
        }
        return `restarted as ${SWITCH_TIER}: /health and tier_info say ${SWITCH_TIER}`;
      });
      const h = health as RelayHealth | null;
      if (h === null) record('go-runtime-readback', 'fail', 'no valid /health after the tier switch');
      else if (!isGo(h)) {
        record(
          'go-runtime-readback',
          'not-applicable',
          `the binary reports runtime "${runtime ?? 'unnamed'}", not go: GOGC, GOMAXPROCS and GOMEMLIMIT are read by the Go runtime only (a Node relay reports GC_PERCENT and MAX_CPU_CORES in /health knobs; V8 has no GC off)`,
        );
      } else {
        runtime = 'go';
        await attempt('go-runtime-readback', () => checkGoRuntime(h, switchEnv));
      }
    }
  } catch (error) {
    // The peer itself failed: nothing could be checked.
    const why = `the check could not run: ${error instanceof Error ? error.message : String(error)}`;
    blocked(Object.keys(CLAUSE_TITLES) as ClauseId[], why);
  } finally {
    await stopRelay(running);
    await peer?.stop();
  }
  const order = Object.keys(CLAUSE_TITLES);
  results.sort((a, b) => order.indexOf(a.clause) - order.indexOf(b.clause));
  return { binary: options.label, runtime, startedAt, finishedAt: Date.now(), results };
}
