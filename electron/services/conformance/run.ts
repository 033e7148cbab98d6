import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import {
  CLAUSE_TITLES,
  type ClauseId,
  type ClauseResult,
  type ConformanceReport,
} from '../../../shared/conformance';
import { planKnobs } from '../../../shared/launch/plan-knobs';
import type { TierOverrides } from '../../../shared/launch/schema';
import {
  BlockAnnouncement,
  GO_NO_MEMORY_LIMIT,
  RELAY_ENV,
  RelayHealth,
} from '../../../shared/relay-contract';
import {
  CONTRACT_LOG_FIELDS,
  CONTRACT_METRICS,
  CONTRACT_SIGNALS,
  StreamBlock,
  StreamMessage,
} from '../../../shared/relay-contract-spec';
import { TIERS, type TierName } from '../../../shared/tiers';
import { readExposition } from './exposition';
import { goGcText } from '../launch/runtime-readback';
import { startTestPeer, type TestPeer } from './peer';
import { freePortPair, spawnRelay, type RelayCommand, type RelayProcess } from './relay-process';

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

const PANEL_KEY = 'conformance-panel-key';
const USER_KEY = 'conformance-user-key';
const MIB = 1024 * 1024;
/** The tier switch asks for values a runtime would not pick by itself, so ignoring them shows. */
const SWITCH_TIER: TierName = 'enterprise';
const SWITCH_OVERRIDES: TierOverrides = { maxCpuCores: 1, memoryLimitMiB: 200 };
const SIGTERM_BOUND_MS = CONTRACT_SIGNALS.find((s) => s.signal === 'SIGTERM')?.withinMs ?? 3000;

class ClauseFailure extends Error {}
const fail = (why: string): never => {
  throw new ClauseFailure(why);
};

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

/** No answer the check reads may exceed this: a binary streaming without end cannot exhaust the panel. */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

async function readBounded(res: Response): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      fail(`${new URL(res.url).pathname} answered more than ${MAX_BODY_BYTES / 1024 / 1024} MiB`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function get(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(3000) });
  return { status: res.status, headers: res.headers, text: await readBounded(res) };
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};

interface Running {
  readonly process: RelayProcess;
  readonly api: string;
  readonly health: string;
}

async function startRelay(options: ConformanceOptions, env: Record<string, string>): Promise<Running> {
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

async function stopRelay(running: Running | null): Promise<void> {
  if (!running) return;
  running.process.child.kill('SIGTERM');
  if ((await running.process.exitWithin(SIGTERM_BOUND_MS)) === null) await running.process.kill();
}

function checkHealth(text: string, tier: TierName): RelayHealth {
  const parsed = RelayHealth.safeParse(parseJson(text));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    fail(`/health does not match the schema: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? ''}`);
  }
  const health = parsed.data!;
  if (health.tier !== tier) fail(`/health reports tier "${health.tier}", was started as "${tier}"`);
  return health;
}

async function checkReadiness(running: Running, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let seen503 = false;
  for (;;) {
    const res = await get(`${running.health}/ready`);
    if (res.status === 404) fail('GET /ready answered 404: the contract requires /ready on API_PORT+1');
    if (res.status !== 200 && res.status !== 503) fail(`GET /ready answered ${res.status}, not 200 or 503`);
    const body = parseJson(res.text) as { ready?: unknown } | undefined;
    if (body?.ready !== (res.status === 200)) {
      fail(
        `GET /ready answered ${res.status} with body ${res.text.slice(0, 80)}; expected {"ready":${res.status === 200}}`,
      );
    }
    if (res.status === 200) {
      const health = RelayHealth.safeParse(parseJson((await get(`${running.health}/health`)).text)).data;
      if (health?.status === 'syncing') fail('/ready answers 200 while /health says status "syncing"');
      return `ready once synced with the peer${seen503 ? ' (503 before)' : ''}; /health status "${health?.status}"`;
    }
    seen503 = true;
    if (Date.now() > deadline) fail(`/ready still 503 ${timeoutMs} ms after the peer had a block`);
    await sleep(100);
  }
}

function checkLogFields(lines: readonly string[]): string {
  const json = lines.filter((line) => line.trim() !== '');
  if (json.length === 0) fail('no log lines on stderr');
  for (const line of json) {
    const record = parseJson(line);
    if (typeof record !== 'object' || record === null)
      fail(`a stderr line is not JSON: ${line.slice(0, 80)}`);
    for (const field of CONTRACT_LOG_FIELDS.slice(0, 3)) {
      if (!field.names.some((name) => name in (record as object))) {
        fail(`a log line has no ${field.names.join(' or ')}: ${line.slice(0, 80)}`);
      }
    }
  }
  return `${json.length} JSON lines, each with level, time and message`;
}

function checkFamilies(text: string): string {
  const exposed = readExposition(text);
  // Every difference, not the first: a relay missing five families should hear of all five.
  const problems: string[] = [];
  const missingFamilies: string[] = [];
  for (const family of CONTRACT_METRICS) {
    const seen = exposed.get(family.name);
    if (!seen) {
      if (!family.optional) missingFamilies.push(family.name);
      continue;
    }
    if (seen.type !== family.type) {
      problems.push(`${family.name} has type ${seen.type ?? 'none'}, the contract says ${family.type}`);
    }
    const extra = [...seen.labels].filter((label) => !family.labels.includes(label));
    const missing = seen.samples > 0 ? family.labels.filter((label) => !seen.labels.has(label)) : [];
    if (extra.length > 0 || missing.length > 0) {
      problems.push(
        `${family.name} labels: ${[...seen.labels].join(',') || 'none'}; the contract says ${family.labels.join(',') || 'none'}`,
      );
    }
  }
  if (missingFamilies.length > 0) {
    problems.unshift(
      missingFamilies.length === 1
        ? `${missingFamilies[0]} is missing`
        : `${missingFamilies.length} families missing: ${missingFamilies.join(', ')}`,
    );
  }
  if (problems.length > 0) fail(problems.join('; '));
  const required = CONTRACT_METRICS.filter((f) => !f.optional).length;
  return `all ${required} required families with their types and labels`;
}

async function checkApiKeys(running: Running): Promise<string> {
  const url = `${running.api}/v1/btc/latest`;
  const none = await get(url);
  if (none.status !== 401) fail(`without a key /v1/btc/latest answered ${none.status}, not 401`);
  const wrong = await get(url, { 'x-api-key': 'not-a-key' });
  if (wrong.status !== 401) fail(`with a wrong key it answered ${wrong.status}, not 401`);
  const good = await get(url, { 'x-api-key': PANEL_KEY });
  if (good.status !== 200) fail(`with the panel key it answered ${good.status}, not 200`);
  const block = BlockAnnouncement.safeParse(parseJson(good.text));
  if (!block.success) fail(`/v1/btc/latest body is not a block announcement: ${good.text.slice(0, 80)}`);
  return '401 without and with a wrong key, 200 with a block for a key';
}

async function checkRateLimit(running: Running, tier: TierName): Promise<string> {
  const { burst } = TIERS[tier].rateLimit;
  const url = `${running.api}/v1/btc/latest`;
  let limited: { status: number; retryAfter: string | null } | null = null;
  for (let i = 0; i < burst + 3 && limited === null; i++) {
    const res = await get(url, { 'x-api-key': USER_KEY });
    if (res.status === 429) limited = { status: 429, retryAfter: res.headers.get('retry-after') };
  }
  if (limited === null)
    fail(
      `${burst + 3} requests in a row with a user key at ${tier} (burst ${burst}) were never answered 429`,
    );
  if (!limited!.retryAfter) fail('429 came without a Retry-After header');
  for (let i = 0; i < burst * 2; i++) {
    const res = await get(url, { 'x-api-key': PANEL_KEY });
    if (res.status !== 200)
      fail(`the panel key (the first in API_KEYS) got ${res.status} on request ${i + 1}: it is exempt`);
  }
  return `429 with Retry-After within ${burst + 3} requests (burst ${burst}); the panel key exempt for ${burst * 2}`;
}

/** Two blocks mined at once must arrive as two `block` events, seq n and n+1 under one epoch. */
async function checkStream(running: Running, peer: TestPeer): Promise<string> {
  const ws = new WebSocket(`${running.api.replace('http', 'ws')}/v1/btc/stream`, {
    headers: { 'x-api-key': PANEL_KEY },
    handshakeTimeout: 3000,
    maxPayload: 1024 * 1024,
  });
  const messages: unknown[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', (error) => reject(new ClauseFailure(`the stream did not open: ${error.message}`)));
      ws.once('unexpected-response', (_req, res) =>
        reject(new ClauseFailure(`the stream answered HTTP ${res.statusCode}`)),
      );
    });
    ws.on('message', (data) => {
      if (messages.length < 100) messages.push(parseJson(String(data)));
    });
    await peer.mine(2);
    const deadline = Date.now() + 10_000;
    for (;;) {
      for (const message of messages) {
        const parsed = StreamMessage.safeParse(message);
        if (parsed.success) continue;
        const legacy = BlockAnnouncement.safeParse(message).success;
        fail(
          legacy
            ? 'the stream sends bare block announcements: protocol v1 needs type, seq, epoch and network on each'
            : `a stream message does not match the schema (${parsed.error.issues[0]?.path.join('.') ?? ''}: ${parsed.error.issues[0]?.message ?? ''}): ${JSON.stringify(message).slice(0, 100)}`,
        );
      }
      const blocks = messages.map((m) => StreamBlock.safeParse(m).data).filter((b) => b !== undefined);
      if (blocks.length >= 2) {
        const [a, b] = blocks.slice(-2) as [StreamBlock, StreamBlock];
        if (b.seq !== a.seq + 1 || b.epoch !== a.epoch || b.height !== a.height + 1) {
          fail(
            `two blocks in a row came as seq ${a.seq}→${b.seq}, height ${a.height}→${b.height}, epoch ${a.epoch}→${b.epoch}`,
          );
        }
        return `2 mined blocks as block events seq ${a.seq}, ${b.seq} (epoch ${a.epoch}), each in the v1 schema`;
      }
      if (Date.now() > deadline)
        fail(`${blocks.length} block event(s) on the stream within 10 s of the peer mining 2`);
      await sleep(20);
    }
  } finally {
    ws.terminate();
  }
}

const isGo = (health: RelayHealth): boolean => (health.runtime as { name?: unknown }).name === 'go';

function checkGoRuntime(health: RelayHealth, env: Record<string, string>): string {
  const runtime = health.runtime;
  const problems: string[] = [];
  const wantProcs = Number(env.GOMAXPROCS);
  if (runtime.gomaxprocs === undefined) problems.push('no runtime.gomaxprocs');
  else if (runtime.gomaxprocs !== wantProcs)
    problems.push(`GOMAXPROCS=${wantProcs} but runtime.gomaxprocs is ${runtime.gomaxprocs}`);
  const gc = goGcText(runtime);
  if (gc === undefined) problems.push('no runtime.gogc or runtime.gc_percent');
  else if (String(gc) !== env.GOGC) problems.push(`GOGC=${env.GOGC} but the runtime reports ${gc}`);
  const wantLimit = Number(env.GOMEMLIMIT?.replace(/MiB$/, '')) * MIB;
  if (runtime.memory_limit === undefined) problems.push('no runtime.memory_limit');
  else if (runtime.memory_limit >= GO_NO_MEMORY_LIMIT / 2)
    problems.push(
      `GOMEMLIMIT=${env.GOMEMLIMIT} ignored: runtime.memory_limit is no limit (GOGC=${env.GOGC} unbounded)`,
    );
  else if (runtime.memory_limit !== wantLimit)
    problems.push(`GOMEMLIMIT=${env.GOMEMLIMIT} but runtime.memory_limit is ${runtime.memory_limit} bytes`);
  if (problems.length > 0) fail(problems.join('; '));
  return `GOGC=${env.GOGC}, GOMAXPROCS=${env.GOMAXPROCS}, GOMEMLIMIT=${env.GOMEMLIMIT} all read back from the Go runtime`;
}

async function defaultPromtool(promtool: string, text: string): Promise<{ ok: boolean; output: string }> {
  const { spawn } = await import('node:child_process');
  return new Promise((resolve) => {
    const child = spawn(promtool, ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'], timeout: 20_000 });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', (error) => resolve({ ok: false, output: error.message }));
    child.once('close', (code) => resolve({ ok: code === 0, output: output.trim() }));
    child.stdin.end(text);
  });
}

/** Runs every clause; never throws for a failing binary (each failure is a result). */
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
      const port = await freePortPair();
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
    const env = contractEnvironment(tier, {}, await freePortPair(), peer.address);
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

    const switchEnv = contractEnvironment(SWITCH_TIER, SWITCH_OVERRIDES, await freePortPair(), peer.address);
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
