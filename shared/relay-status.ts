import { z } from 'zod';
import { TierName } from './tiers';
import { LaunchReport } from './launch';
import { SyncStatus } from './relay-contract';
import { UpstreamClock, clockWarningOf } from './clock-offset';

export const RELAY_STATES = [
  'stopped',
  'starting',
  'running',
  'degraded',
  'backoff',
  'crash-loop',
  'stopping',
] as const;
export const RelayState = z.enum(RELAY_STATES);
export type RelayState = z.infer<typeof RelayState>;

/** How each state reads for people: in the UI's pill and the tray's menu alike. */
export const RELAY_STATE_LABEL: Readonly<Record<RelayState, string>> = {
  stopped: 'Stopped',
  starting: 'Starting',
  running: 'Running',
  degraded: 'Degraded',
  backoff: 'Restarting',
  'crash-loop': 'Crash loop',
  stopping: 'Stopping',
};

export const ExitInfo = z.object({
  code: z.number().int().nullable(),
  signal: z.string().nullable(),
  at: z.number(),
});
export type ExitInfo = z.infer<typeof ExitInfo>;

/**
 * An optional per-peer figure: an external relay may not report it, or report it in another shape;
 * that field is then left out rather than the whole upstream rejected.
 */
const optional = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

/** One upstream peer as /health reports it: address and state, the rest where the relay has it. */
export const UpstreamPeer = z.object({
  address: z.string(),
  state: z.string(),
  rttMs: optional(z.number().nullable()),
  /** Misbehaviour points of the current (or last) connection; 100 drops and bans it. */
  misbehaviour: optional(z.number()),
  /** Epoch ms the ban ends, null when not banned. */
  bannedUntil: optional(z.number().nullable()),
  bans: optional(z.number().int().nonnegative()),
  /** p50 ms this peer announced blocks after the first announcer (0: it was first). */
  announceLeadMs: optional(z.number().nullable()),
  firstAnnouncements: optional(z.number().int().nonnegative()),
  lastDisconnect: optional(z.object({ code: z.string(), message: z.string() }).nullable()),
});
export type UpstreamPeer = z.infer<typeof UpstreamPeer>;

/** The relay's upstream as its /health reports it, polled once a second while it runs. */
export const UpstreamSummary = z.object({
  state: z.string(),
  peers: z.array(UpstreamPeer),
  tip: z.object({ height: z.number().int(), hash: z.string() }).nullable(),
  /** Header sync (relays that report it): while catching up the relay is not live. */
  sync: SyncStatus.optional(),
  /** The local clock against the peers' (relays that report it); a bad shape is left out. */
  clock: UpstreamClock.optional().catch(undefined),
  /**
   * The header store (relays that report it): why its file stopped taking writes, and the folder it
   * lives in (added by the supervisor, which chose DATA_DIR; the relay's /health does not say it).
   */
  store: optional(
    z.object({
      writeFailure: z.string().max(2000).nullable().optional(),
      folder: z.string().max(4096).optional(),
    }),
  ),
});
export type UpstreamSummary = z.infer<typeof UpstreamSummary>;

export const RelayStatus = z.object({
  state: RelayState,
  pid: z.number().int().positive().nullable(),
  /** Epoch ms the current process started; uptime is derived from it on the client. */
  startedAt: z.number().nullable(),
  restarts: z.number().int().nonnegative(),
  tier: TierName,
  lastExit: ExitInfo.nullable(),
  ports: z.object({ api: z.number().int(), health: z.number().int() }).nullable(),
  /** Why the relay is in this state, when that needs saying (crash-loop, backoff, degraded, error). */
  message: z.string().nullable(),
  /** When the next restart attempt is due (backoff). */
  nextRestartAt: z.number().nullable(),
  launch: LaunchReport.nullable(),
  upstream: UpstreamSummary.nullable(),
  /** Last stderr lines, kept for crash-loop diagnosis. */
  stderrTail: z.array(z.string()),
});
export type RelayStatus = z.infer<typeof RelayStatus>;

/** Catching up on headers, as a relay that reports sync says: shown instead of the state's label. */
export function syncingOf(status: Pick<RelayStatus, 'state' | 'upstream'> | null): SyncStatus | null {
  const sync = status?.upstream?.sync;
  const alive = status?.state === 'starting' || status?.state === 'running' || status?.state === 'degraded';
  return alive &&
    sync &&
    (sync.state === 'syncing' || sync.state === 'stalled' || sync.state === 'waiting-upstream')
    ? sync
    : null;
}

/** "Syncing headers 412,000 / 925,000 · ETA 3 s" (or "stalled" when the peer stopped answering). */
export function syncLabel(sync: SyncStatus): string {
  const n = (v: number): string => v.toLocaleString('en-US');
  if (sync.state === 'waiting-upstream') {
    const height = sync.upstreamHeight === undefined ? '' : ` (height ${n(sync.upstreamHeight)})`;
    return `Waiting for upstream node to finish its initial sync${height}`;
  }
  const eta =
    sync.state === 'stalled'
      ? 'stalled'
      : sync.etaSeconds === null
        ? 'ETA …'
        : `ETA ${sync.etaSeconds < 90 ? `${sync.etaSeconds} s` : `${Math.round(sync.etaSeconds / 60)} min`}`;
  return `Syncing headers ${n(sync.height)} / ${n(sync.targetHeight)} · ${eta}`;
}

/** Socket errors in words a user acts on. */
const CAUSES: ReadonlyArray<[RegExp, string]> = [
  [/ECONNREFUSED/, 'connection refused: nothing listens on that port'],
  [/ETIMEDOUT|HANDSHAKE_TIMEOUT|timed? ?out/i, 'no answer (timed out)'],
  [/EHOSTUNREACH|ENETUNREACH/, 'host unreachable from this machine'],
  [/ENOTFOUND|EAI_AGAIN/, 'host name not found'],
  [/ECONNRESET|PEER_CLOSED/, 'the peer closed the connection'],
];

function causeOf(peer: UpstreamPeer): string {
  const d = peer.lastDisconnect;
  if (!d)
    return peer.state === 'connecting' || peer.state === 'handshaking' ? 'still connecting' : peer.state;
  const text = `${d.code} ${d.message}`;
  return CAUSES.find(([re]) => re.test(text))?.[1] ?? d.message;
}

/**
 * Why a live relay has no upstream, naming each peer and its cause, with what to do: shown on the
 * relay card and in the status pill's tooltip instead of a readiness timeout (issue 22). null when a
 * peer is ready, the relay is not running, or it reports no peers.
 */
/**
 * The header store's write failure in words a user acts on: the relay keeps running with new headers
 * in memory only, and keeps them there until it restarts (the store stops writing after a failure).
 */
export function storeProblem(status: Pick<RelayStatus, 'state' | 'upstream'> | null): string | null {
  if (!status || !['starting', 'running', 'degraded'].includes(status.state)) return null;
  const failure = status.upstream?.store?.writeFailure;
  if (!failure) return null;
  const folder = status.upstream?.store?.folder ?? "the relay's data folder";
  const kept = 'new headers are kept in memory only until the relay restarts';
  if (/ENOSPC|no space left/i.test(failure))
    return `The disk holding ${folder} is full: free space there, then restart the relay; ${kept}.`;
  return `The header store in ${folder} cannot be written (${failure}): ${kept}. Fix the folder (permissions, free space), then restart the relay.`;
}

export function upstreamProblem(status: Pick<RelayStatus, 'state' | 'upstream'> | null): string | null {
  if (!status || !['starting', 'running', 'degraded'].includes(status.state)) return null;
  const peers = status.upstream?.peers ?? [];
  if (peers.length === 0 || peers.some((p) => p.state === 'ready')) return null;
  const each = peers.map((p) => `${p.address}: ${causeOf(p)}`).join('; ');
  return `No upstream peer connected (${each}). Check that the node runs and accepts P2P connections from this machine, or change the upstream in Settings.`;
}

/**
 * The relay card's clock warning: while the relay runs and its peers' clocks are more than 70 min
 * from ours (a slow clock refuses new headers as future-dated). null otherwise.
 */
export function clockProblem(status: Pick<RelayStatus, 'state' | 'upstream'> | null): string | null {
  if (!status || !['starting', 'running', 'degraded'].includes(status.state)) return null;
  return clockWarningOf(status.upstream?.clock);
}
