import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { BlockAnnouncement, GO_NO_MEMORY_LIMIT, RelayHealth } from '../../../shared/relay-contract';
import {
  CONTRACT_LOG_FIELDS,
  CONTRACT_METRICS,
  StreamBlock,
  StreamMessage,
} from '../../../shared/relay-contract-spec';
import { TIERS, type TierName } from '../../../shared/tiers';
import { readExposition } from './exposition';
import { goGcText } from '../launch/runtime-readback';
import { type TestPeer } from './peer';
import { ClauseFailure, fail, get, parseJson } from './http-read';
import { PANEL_KEY, USER_KEY, type Running } from './running-relay';

/** The clauses that read a running relay: each returns what it saw, or fails saying why. */

const MIB = 1024 * 1024;

export function checkHealth(text: string, tier: TierName): RelayHealth {
  const parsed = RelayHealth.safeParse(parseJson(text));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    fail(`/health does not match the schema: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? ''}`);
  }
  const health = parsed.data!;
  if (health.tier !== tier) fail(`/health reports tier "${health.tier}", was started as "${tier}"`);
  return health;
}

export async function checkReadiness(running: Running, timeoutMs: number): Promise<string> {
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

export function checkLogFields(lines: readonly string[]): string {
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

export function checkFamilies(text: string): string {
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

export async function checkApiKeys(running: Running): Promise<string> {
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

export async function checkRateLimit(running: Running, tier: TierName): Promise<string> {
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
export async function checkStream(running: Running, peer: TestPeer): Promise<string> {
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

export const isGo = (health: RelayHealth): boolean => (health.runtime as { name?: unknown }).name === 'go';

export function checkGoRuntime(health: RelayHealth, env: Record<string, string>): string {
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

export async function defaultPromtool(
  promtool: string,
  text: string,
): Promise<{ ok: boolean; output: string }> {
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
