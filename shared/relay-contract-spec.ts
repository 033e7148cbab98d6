import { z } from 'zod';
import { KNOB_TABLE } from './knobs';
import { GoRuntimeReport, RELAY_ENV, RelayHealth } from './relay-contract';
import { TIER_NAMES } from './tiers';

/**
 * The relay contract as data: what any relay binary (ours, the Go relay, Bitcoin Sprint) must honour
 * for the panel to supervise it. The README's contract section is generated from this
 * (scripts/relay-contract-doc.mjs), the conformance check (electron/services/conformance) tests a
 * binary against it, and the relay tests read their expectations from it.
 */

export interface EnvVar {
  readonly name: string;
  readonly required: boolean;
  readonly values: string;
  readonly meaning: string;
}

const KNOB_VALUES: Readonly<Record<(typeof KNOB_TABLE)[number]['type'], string>> = {
  gc: '1–1000 or `off`',
  cores: 'CPU count',
  memory: 'MiB budget, `256MiB`',
  semispace: 'MiB, a power of two 1–256',
  boolean: '`true`/`false`/`1`/`0`',
};

const RUNTIME_NOTE: Readonly<Record<(typeof KNOB_TABLE)[number]['runtime'], string>> = {
  any: '',
  go: ' (Go runtimes only)',
  node: ' (built-in Node relay only: the panel also passes the V8 flags; an external binary is never given it)',
};

export const CONTRACT_ENV: readonly EnvVar[] = [
  {
    name: RELAY_ENV.tier,
    required: false,
    values: TIER_NAMES.map((name) => `\`${name}\``).join(' '),
    meaning: 'tier: rate limits, SLA target, knob defaults',
  },
  { name: RELAY_ENV.apiHost, required: false, values: 'host or address', meaning: 'API bind address' },
  {
    name: RELAY_ENV.apiPort,
    required: false,
    values: 'port; `0` = ephemeral',
    meaning: 'API port; health, readiness and metrics on API_PORT+1',
  },
  {
    name: RELAY_ENV.apiKeys,
    required: true,
    values: 'comma-separated keys',
    meaning: 'accepted `X-API-Key`s; the first (the panel) is exempt from rate limits',
  },
  { name: RELAY_ENV.dataDir, required: false, values: 'folder', meaning: 'header store; unset: memory only' },
  { name: RELAY_ENV.bitcoinNode, required: false, values: '`host:port[,…]`', meaning: 'upstream P2P peers' },
  {
    name: RELAY_ENV.bitcoinNetwork,
    required: false,
    values: '`mainnet` `testnet` `signet` `regtest`',
    meaning: 'network of the peers',
  },
  ...KNOB_TABLE.map((knob) => ({
    name: knob.env,
    required: false,
    values: KNOB_VALUES[knob.type],
    meaning: `${knob.description}${RUNTIME_NOTE[knob.runtime]}`,
  })),
  { name: RELAY_ENV.logFormat, required: false, values: '`json`', meaning: 'JSON log lines on stderr' },
  {
    name: RELAY_ENV.parentWatch,
    required: false,
    values: '`1`',
    meaning: 'exit when stdin closes (the panel has gone)',
  },
];

export type Port = 'api' | 'health';

export interface Endpoint {
  readonly port: Port;
  readonly path: string;
  /** Needs X-API-Key (or `?key=` on the streams) and is rate-limited per key. */
  readonly keyed: boolean;
  readonly answers: string;
}

export const CONTRACT_ENDPOINTS: readonly Endpoint[] = [
  {
    port: 'api',
    path: '/v1/btc/latest',
    keyed: true,
    answers: '200 the tip (BlockAnnouncement); 503 while syncing or before the first block; 401; 429',
  },
  { port: 'api', path: '/v1/btc/status', keyed: true, answers: '200 relay status; 401; 429' },
  {
    port: 'api',
    path: '/v1/btc/stream',
    keyed: true,
    answers: 'WebSocket: one JSON message per event (block, reorg; resync); `?since=SEQ&epoch=` resumes',
  },
  {
    port: 'api',
    path: '/v1/btc/events',
    keyed: true,
    answers: 'Server-Sent Events: the same messages, `id:` = seq; `Last-Event-ID` resumes',
  },
  {
    port: 'api',
    path: '/v1/btc/headers',
    keyed: true,
    answers: '`?from=H&count=N` best-chain headers (HeadersPage, at most 2,000); 400 naming a bad parameter',
  },
  {
    port: 'api',
    path: '/v1/btc/header/{height|hash}',
    keyed: true,
    answers: 'one best-chain header (HeaderRecord); 404 off the best chain',
  },
  { port: 'health', path: '/health', keyed: false, answers: '200 JSON (RelayHealth)' },
  {
    port: 'health',
    path: '/ready',
    keyed: false,
    answers: '200 `{"ready":true}` once synced with a peer; 503 `{"ready":false}` before',
  },
  { port: 'health', path: '/metrics', keyed: false, answers: '200 Prometheus text format, promtool-clean' },
];

export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface MetricFamily {
  readonly name: string;
  readonly type: MetricType;
  readonly labels: readonly string[];
  /** Absent while its value is unknown (before the first header, before sync starts). */
  readonly optional: boolean;
  readonly help: string;
}

const family = (
  name: string,
  type: MetricType,
  labels: readonly string[],
  help: string,
  optional = false,
): MetricFamily => ({ name, type, labels, help, optional });

/** /metrics families every relay exposes; the shipped Prometheus rules and dashboard read these. */
export const CONTRACT_METRICS: readonly MetricFamily[] = [
  family(
    'bitcoin_sprint_build_info',
    'gauge',
    ['version', 'runtime', 'runtime_version', 'network'],
    'build, value 1',
  ),
  family('bitcoin_sprint_tier_info', 'gauge', ['tier', 'level'], 'tier and optimization level, value 1'),
  family('bitcoin_sprint_sla_target_seconds', 'gauge', [], "the tier's latency target"),
  family('bitcoin_sprint_sla_objective_ratio', 'gauge', [], "the tier's objective (0.999)"),
  family('bitcoin_sprint_relay_latency_seconds', 'histogram', [], 'announcement in to stream write'),
  family('bitcoin_sprint_api_latency_seconds', 'histogram', [], 'time answering an API request'),
  family('bitcoin_sprint_blocks_relayed_total', 'counter', [], 'new blocks pushed to stream clients'),
  family(
    'bitcoin_sprint_api_requests_total',
    'counter',
    ['route', 'code'],
    'API requests by route and status',
  ),
  family('bitcoin_sprint_stream_clients', 'gauge', ['transport'], 'stream clients by transport'),
  family('bitcoin_sprint_memory_alloc_bytes', 'gauge', [], 'heap in use by the runtime'),
  family('bitcoin_sprint_sync_headers', 'gauge', ['kind'], 'headers stored and the peers’ height'),
  family('bitcoin_sprint_peers', 'gauge', [], 'peers with a completed handshake'),
  family('bitcoin_sprint_peer_disconnects_total', 'counter', ['reason'], 'peer connections ended'),
  family('bitcoin_sprint_peer_bans_total', 'counter', ['reason'], 'peers banned'),
  family(
    'bitcoin_sprint_peer_announce_lead_seconds',
    'histogram',
    ['peer'],
    'lag behind the first announcer',
  ),
  family('bitcoin_sprint_tip_height', 'gauge', [], 'height of the best valid header', true),
  family('bitcoin_sprint_sync_progress_ratio', 'gauge', [], 'header sync progress, 0 to 1', true),
];

/** One stream message (WebSocket frame, SSE `data:`): issue 18's protocol v1, shared/relay-stream.ts. */
export {
  StreamBlock,
  StreamMessage,
  StreamReorg,
  StreamResync,
  STREAM_PROTOCOL_VERSION,
} from './relay-stream';

export interface Signal {
  readonly signal: string;
  readonly effect: string;
  readonly withinMs: number;
}

/** The relay stops cleanly (stream clients closed, store flushed) within about 2 s; exit code 0. */
export const CONTRACT_SIGNALS: readonly Signal[] = [
  { signal: 'SIGTERM', effect: 'stop cleanly, exit 0', withinMs: 3000 },
  { signal: 'SIGINT', effect: 'as SIGTERM', withinMs: 3000 },
];

export const CONTRACT_EXIT_CODES: readonly { code: number; meaning: string }[] = [
  { code: 0, meaning: 'stopped on a signal or parent exit' },
  { code: 1, meaning: 'failed while running (restarted by the panel with backoff)' },
  {
    code: 2,
    meaning:
      'configuration error: a variable is missing or invalid; the last log line names it (not restarted)',
  },
];

export interface LogField {
  readonly names: readonly string[];
  readonly meaning: string;
}

/** Every stderr line is one JSON object with these fields (either spelling: ours or zap's). */
export const CONTRACT_LOG_FIELDS: readonly LogField[] = [
  { names: ['level'], meaning: '`debug` `info` `warn` `error`' },
  { names: ['timestamp', 'ts'], meaning: 'ISO 8601 time, or zap’s epoch seconds' },
  { names: ['message', 'msg'], meaning: 'what happened' },
  { names: ['variable'], meaning: 'on a configuration error (exit 2): the variable to fix' },
];

/** The one line a relay prints on stdout once its ports are bound (how API_PORT=0 is learnt). */
export const ListeningEvent = z.object({
  event: z.literal('listening'),
  apiPort: z.number().int().positive(),
  healthPort: z.number().int().positive(),
});

export { GoRuntimeReport, RelayHealth };
