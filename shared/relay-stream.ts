import { z } from 'zod';
import { BitcoinNetwork, BlockAnnouncement } from './relay-contract';

/**
 * The relay stream protocol (version 1): what a relay writes on the WebSocket stream
 * (`GET /v1/btc/stream`) and the SSE stream (`GET /v1/btc/events`), and what its header endpoints
 * answer. Both transports carry exactly the same JSON messages; SSE puts a message's `seq` in the
 * event's `id:` line. Any relay (ours in TypeScript, the Go relay, an external binary) honours this
 * file; the panel and the tests validate what they read against it.
 *
 * Sequence (in the spirit of Bitcoin Core's ZMQ `sequence` topic, a connect/disconnect log with a
 * counter):
 *
 * - Every *event* (`block`, `reorg`) carries `seq`, an integer that rises by exactly 1 from one event
 *   to the next, starting at 1 when the relay process starts, and `epoch`, an opaque id of that run
 *   of numbers (a restarted relay starts again at 1 under a new epoch). A client that sees a gap
 *   missed something and resumes (below).
 * - A `reorg` names every disconnected block (tip first, heights descending, so a client can undo in
 *   order), its depth, the old and new tip and the fork point, and is sent BEFORE the new branch's
 *   blocks, which follow as `block` events in height order (fork point + 1 up to the new tip).
 * - Blocks fetched during initial catch-up are not streamed; /v1/btc/latest and the header endpoints
 *   answer for them.
 *
 * Resume: a client that was disconnected reconnects with `?since=SEQ` (WebSocket or SSE; optionally
 * `&epoch=EPOCH`) or, on SSE, the `Last-Event-ID: SEQ` header EventSource sends by itself. SEQ is the
 * last seq it processed. The relay first writes every event after SEQ still in its replay buffer (a
 * bounded buffer of the most recent events), in order, then continues live: the client sees each seq
 * exactly once and no gap. When it cannot (SEQ older than the buffer, SEQ ahead of anything this run
 * published, or another epoch) it writes one `resync` message instead and continues live: the client
 * rebuilds its view from `GET /v1/btc/headers` and then takes live events after `resync.seq`.
 *
 * `resync` is addressed to one client and is not an event: it does not take a number. Its `seq` is
 * the last event seq the relay had published when it wrote it, so the next event is `seq + 1`.
 */
export const STREAM_PROTOCOL_VERSION = 1;

/** Most events a relay keeps for resume; it may keep fewer (a byte bound), never more. */
export const MAX_REPLAY_EVENTS = 10_000;
/** Most headers one `GET /v1/btc/headers` answer carries (a larger `count` is cut to this). */
export const MAX_HEADERS_PER_REQUEST = 2_000;

const Hash = z.string().regex(/^[0-9a-f]{64}$/);
const Seq = z.number().int().positive();
/** Opaque id of one run of seq numbers; ASCII letters, digits, '-' and '_' only. */
const Epoch = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

export const BlockRef = z.object({ height: z.number().int().nonnegative(), hash: Hash });
export type BlockRef = z.infer<typeof BlockRef>;

/**
 * A block connected to the best chain. Its fields beyond seq/epoch/type are exactly
 * /v1/btc/latest's, so a reader of the older stream (a bare announcement) still understands it.
 */
export const StreamBlock = BlockAnnouncement.extend({
  type: z.literal('block'),
  seq: Seq,
  epoch: Epoch,
  network: BitcoinNetwork,
});
export type StreamBlock = z.infer<typeof StreamBlock>;

/** The best chain switched to a branch with more work; the new branch's blocks follow. */
export const StreamReorg = z
  .object({
    type: z.literal('reorg'),
    seq: Seq,
    epoch: Epoch,
    network: BitcoinNetwork,
    /** Number of blocks disconnected: `disconnected.length`. */
    depth: z.number().int().positive(),
    /** Every block taken off the best chain, old tip first (heights descending, consecutive). */
    disconnected: z.array(BlockRef).min(1),
    /** The last block both branches share (height = old tip height - depth). */
    fork: BlockRef,
    oldTip: BlockRef,
    newTip: BlockRef,
    /** Wall-clock ms when the relay wrote it. */
    relayedAt: z.number(),
  })
  .superRefine((m, ctx) => {
    if (m.disconnected.length !== m.depth)
      ctx.addIssue({ code: 'custom', message: 'depth is not the number of disconnected blocks' });
    m.disconnected.forEach((b, i) => {
      if (b.height !== m.oldTip.height - i)
        ctx.addIssue({ code: 'custom', message: `disconnected[${i}] is out of order` });
    });
    if (m.fork.height !== m.oldTip.height - m.depth)
      ctx.addIssue({ code: 'custom', message: 'fork is not depth below the old tip' });
  });
export type StreamReorg = z.infer<typeof StreamReorg>;

export const RESYNC_REASONS = ['too-old', 'unknown-seq', 'epoch-changed'] as const;

/** The relay cannot replay what the client missed: rebuild from the header endpoints. */
export const StreamResync = z.object({
  type: z.literal('resync'),
  /** The last event seq published so far (0 when none yet): live events continue at seq + 1. */
  seq: z.number().int().nonnegative(),
  epoch: Epoch,
  /**
   * too-old: `since` is older than the replay buffer; unknown-seq: `since` is ahead of anything
   * this run published (the relay restarted); epoch-changed: the client named another run.
   */
  reason: z.enum(RESYNC_REASONS),
  /** The seq the client asked to resume after. */
  since: z.number().int().nonnegative(),
  /** Oldest seq still in the replay buffer, or null when it is empty. */
  oldestSeq: z.number().int().positive().nullable(),
  /** The best tip now, or null before the relay knows one. */
  tip: BlockRef.nullable(),
  /** Where to rebuild from: always "/v1/btc/headers". */
  resyncFrom: z.literal('/v1/btc/headers'),
  /** For people: what happened and what to do. */
  message: z.string(),
});
export type StreamResync = z.infer<typeof StreamResync>;

export const StreamEvent = z.union([StreamBlock, StreamReorg]);
export type StreamEvent = z.infer<typeof StreamEvent>;

export const StreamMessage = z.union([StreamBlock, StreamReorg, StreamResync]);
export type StreamMessage = z.infer<typeof StreamMessage>;

/** Resume query: `since` (and optional `epoch`) on either stream URL. */
export const ResumeQuery = z.object({
  since: z.coerce.number().int().nonnegative().optional(),
  epoch: Epoch.optional(),
});

/**
 * One header of the best chain as `GET /v1/btc/header/{height|hash}` answers it and
 * `GET /v1/btc/headers` lists it. `hash` looks up the best chain only: a disconnected block's hash
 * answers 404, like its height answers with the block that replaced it.
 */
export const HeaderRecord = z.object({
  height: z.number().int().nonnegative(),
  hash: Hash,
  /** The 80-byte header, hex. */
  header: z.string().regex(/^[0-9a-f]{160}$/),
  prevHash: Hash,
  /** The header's own timestamp, seconds since the epoch. */
  time: z.number().int().nonnegative(),
  bits: z.number().int().nonnegative(),
  /** Cumulative work from genesis, hex without 0x (as Core's getblockheader `chainwork`). */
  chainwork: z.string().regex(/^[0-9a-f]+$/),
});
export type HeaderRecord = z.infer<typeof HeaderRecord>;

/**
 * `GET /v1/btc/headers?from=H&count=N`: best-chain headers H, H+1, … (at most N, at most
 * MAX_HEADERS_PER_REQUEST, fewer at the tip). `count` defaults to MAX_HEADERS_PER_REQUEST; a `from`
 * above the tip answers an empty list; bad numbers answer 400 with an error naming the parameter.
 */
export const HeadersPage = z.object({
  network: BitcoinNetwork,
  from: z.number().int().nonnegative(),
  headers: z.array(HeaderRecord).max(MAX_HEADERS_PER_REQUEST),
  tip: BlockRef,
  /** The stream's position when the page was read: events after it describe changes since. */
  seq: z.number().int().nonnegative(),
  epoch: Epoch,
});
export type HeadersPage = z.infer<typeof HeadersPage>;
