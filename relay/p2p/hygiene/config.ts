import { z } from 'zod';

/**
 * How hard the relay is on its upstream peers. Production defaults follow Bitcoin Core where it has a
 * figure (5 MB send buffer, discouragement at 100 points); tests shorten the durations through the
 * P2P_* environment variables so a repeat offender's growing bans fit in seconds.
 */
export interface HygieneConfig {
  /** Unsent bytes queued for a peer above which we stop reading from it (Core's -maxsendbuffer). */
  readonly sendBufferBytes: number;
  /** How long a peer may stay over the send-buffer cap before it is dropped. */
  readonly sendStallMs: number;
  /** Misbehaviour points at which a peer is dropped and banned. */
  readonly misbehaviourThreshold: number;
  /** First ban; each further ban of the same address doubles it, up to banMaxMs. */
  readonly banBaseMs: number;
  readonly banMaxMs: number;
  readonly reconnectBaseMs: number;
  readonly reconnectMaxMs: number;
  /** A peer must stay connected, answer and not misbehave this long before its reconnect backoff resets. */
  readonly goodPeerMs: number;
}

export const DEFAULT_HYGIENE: HygieneConfig = {
  sendBufferBytes: 5_000_000,
  sendStallMs: 10_000,
  misbehaviourThreshold: 100,
  banBaseMs: 60_000,
  banMaxMs: 3_600_000,
  reconnectBaseMs: 250,
  reconnectMaxMs: 30_000,
  goodPeerMs: 30_000,
};

export const HYGIENE_ENV: Readonly<Record<keyof HygieneConfig, string>> = {
  sendBufferBytes: 'P2P_SEND_BUFFER_BYTES',
  sendStallMs: 'P2P_SEND_STALL_MS',
  misbehaviourThreshold: 'P2P_MISBEHAVIOUR_THRESHOLD',
  banBaseMs: 'P2P_BAN_BASE_MS',
  banMaxMs: 'P2P_BAN_MAX_MS',
  reconnectBaseMs: 'P2P_RECONNECT_BASE_MS',
  reconnectMaxMs: 'P2P_RECONNECT_MAX_MS',
  goodPeerMs: 'P2P_GOOD_PEER_MS',
};

const POSITIVE_INT = z
  .string()
  .regex(/^\d+$/, 'a whole number')
  .transform(Number)
  .pipe(
    z
      .number()
      .int()
      .min(1)
      .max(2 ** 31),
  );

/**
 * Below a socket's write high-water mark (16 KB, 64 KB from Node 22) a write can leave bytes queued
 * without ever promising a 'drain' event, and a paused peer would never be resumed.
 */
const MINIMUM: Partial<Record<string, number>> = { sendBufferBytes: 65_536 };

export class HygieneConfigError extends Error {
  override readonly name = 'HygieneConfigError';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
  }
}

/** Unset or empty means the default; anything else must be a positive whole number. */
export function parseHygiene(env: Readonly<Record<string, string | undefined>>): HygieneConfig {
  const out: Record<string, number> = { ...DEFAULT_HYGIENE };
  for (const [key, variable] of Object.entries(HYGIENE_ENV)) {
    const raw = env[variable];
    if (raw === undefined || raw === '') continue;
    const min = MINIMUM[key] ?? 1;
    const parsed = POSITIVE_INT.safeParse(raw);
    if (!parsed.success || parsed.data < min) {
      throw new HygieneConfigError(
        variable,
        `invalid value ${JSON.stringify(raw)} (a whole number ≥ ${min})`,
      );
    }
    out[key] = parsed.data;
  }
  const config = out as unknown as HygieneConfig;
  if (config.banMaxMs < config.banBaseMs) {
    throw new HygieneConfigError(HYGIENE_ENV.banMaxMs, 'must be at least P2P_BAN_BASE_MS');
  }
  if (config.reconnectMaxMs < config.reconnectBaseMs) {
    throw new HygieneConfigError(HYGIENE_ENV.reconnectMaxMs, 'must be at least P2P_RECONNECT_BASE_MS');
  }
  return config;
}
