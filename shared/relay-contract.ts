import { z } from 'zod';
import { KNOB_ENV } from './knobs';

/**
 * The relay contract's wire shapes (DESIGN.md, "The relay contract"): what the panel reads from any
 * relay, ours or an external Bitcoin Sprint binary. The relay validates what it writes against these
 * in its tests; the panel validates what it reads.
 */

export const BITCOIN_NETWORKS = ['mainnet', 'testnet', 'testnet4', 'signet', 'regtest'] as const;
export const BitcoinNetwork = z.enum(BITCOIN_NETWORKS);
export type BitcoinNetwork = z.infer<typeof BitcoinNetwork>;

/** Environment variable names the panel passes to the relay; the runtime knobs come from shared/knobs.ts. */
export const RELAY_ENV = {
  tier: 'TIER',
  apiHost: 'API_HOST',
  apiPort: 'API_PORT',
  apiKeys: 'API_KEYS',
  /** Folder for the relay's header store; unset keeps headers in memory only. */
  dataDir: 'DATA_DIR',
  bitcoinNode: 'BITCOIN_NODE',
  bitcoinNetwork: 'BITCOIN_NETWORK',
  ...KNOB_ENV,
  logFormat: 'LOG_FORMAT',
  parentWatch: 'SPRINT_PARENT_WATCH',
} as const;

/** One block as the relay serves it on /v1/btc/latest and pushes it on the stream. */
export const BlockAnnouncement = z.object({
  height: z.number().int().nonnegative(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  /** The 80-byte header, hex. */
  header: z.string().regex(/^[0-9a-f]{160}$/),
  /** Wall-clock ms (fractional, µs resolution) when the announcement reached the relay. */
  receivedAt: z.number(),
  /** Wall-clock ms (fractional) when the relay wrote it to its stream clients. */
  relayedAt: z.number(),
  /** The upstream peer (host:port) that announced the block first, when the relay knows it. */
  peer: z.string().optional(),
});
export type BlockAnnouncement = z.infer<typeof BlockAnnouncement>;

/** A knob as the relay reports it on /health: what was asked, what it could do, and why not. */
export const KnobReport = z.object({
  requested: z.union([z.string(), z.number(), z.boolean(), z.null()]),
  applied: z.union([z.string(), z.number(), z.boolean(), z.null()]),
  reason: z.string().optional(),
});
export type KnobReport = z.infer<typeof KnobReport>;

/** Header sync as /health reports it under upstream.sync. */
export const SyncStatus = z.object({
  /** waiting-upstream: every upstream node is itself still in its initial sync (Core in IBD). */
  state: z.enum(['connecting', 'syncing', 'synced', 'stalled', 'waiting-upstream']),
  height: z.number().int().nonnegative(),
  targetHeight: z.number().int().nonnegative(),
  progress: z.number().min(0).max(1),
  headersPerSecond: z.number().nonnegative(),
  /** null while the rate is not yet known. */
  etaSeconds: z.number().nonnegative().nullable(),
  /** waiting-upstream: the height the upstream node has reached in its own sync. */
  upstreamHeight: z.number().int().nonnegative().optional(),
});
export type SyncStatus = z.infer<typeof SyncStatus>;

/** Go's "no memory limit" as debug.SetMemoryLimit(-1) reports it: math.MaxInt64 bytes. */
export const GO_NO_MEMORY_LIMIT = 2 ** 63 - 1;

/**
 * What a Go relay's runtime reports of itself under /health `runtime` (every field optional: a Node
 * relay has none of them; a relay reporting `name: "go"` is held to the Go clauses of the
 * conformance check). Read back from the runtime, not echoed from the environment:
 *   memory_limit  bytes, debug.SetMemoryLimit(-1); math.MaxInt64 (2^63-1) when there is none
 *   gogc          debug.SetGCPercent read-back: a percentage; -1 or "off" = off
 *   gc_percent    the same as a number, -1 = off (the older field; either may be present)
 *   gomaxprocs    runtime.GOMAXPROCS(0)
 */
export const GoRuntimeReport = z.object({
  name: z.string().optional(),
  // Not .int(): zod's int is the safe-integer range, and MaxInt64 arrives as 2^63 in JSON.parse.
  memory_limit: z.number().nonnegative().optional(),
  gogc: z.union([z.number().int(), z.literal('off')]).optional(),
  gc_percent: z.number().int().min(-1).optional(),
  gomaxprocs: z.number().int().positive().optional(),
});
export type GoRuntimeReport = z.infer<typeof GoRuntimeReport>;

export const RelayHealth = z.object({
  /** syncing: catching up on headers, not live yet (/ready answers 503). */
  status: z.enum(['ok', 'syncing', 'degraded']),
  tier: z.string(),
  optimizationLevel: z.string(),
  version: z.string(),
  runtime: z
    .object({
      cpuCores: z.number(),
      eventLoopDelayMs: z.object({ p50: z.number(), p99: z.number(), max: z.number() }).partial(),
      heapUsedMb: z.number(),
      ...GoRuntimeReport.shape,
    })
    .passthrough(),
  upstream: z
    .object({
      state: z.string(),
      peers: z.array(z.object({ address: z.string(), state: z.string() }).passthrough()),
      tip: z.object({ height: z.number(), hash: z.string() }).nullable(),
      sync: SyncStatus.optional(),
    })
    .passthrough(),
  /** The stream's position (relays that number their stream, shared/relay-stream.ts). */
  stream: z.object({ seq: z.number().int().nonnegative(), epoch: z.string() }).passthrough().optional(),
  knobs: z.record(z.string(), KnobReport),
  performance: z.record(z.string(), z.unknown()).optional(),
});
export type RelayHealth = z.infer<typeof RelayHealth>;
