import { z } from 'zod';

/**
 * The local clock against the upstream peers', as Bitcoin Core warns on it: past 70 minutes either
 * way the relay judges headers against the wrong "now" (a slow clock refuses new headers as
 * future-dated). One text for the relay's /health and log and for the panel's relay card.
 */
export const MAX_CLOCK_OFFSET_SECONDS = 70 * 60;

/** An external relay may send a longer or odd warning; the card shows at most this much of it. */
const MAX_WARNING_CHARS = 300;

/** `upstream.clock` on /health: each peer's clock minus ours, median in seconds (+: we are behind). */
export const UpstreamClock = z.object({
  peerOffsetSeconds: z.number().finite().nullable().optional().catch(undefined),
  warning: z.string().nullable().optional().catch(undefined),
});
export type UpstreamClock = z.infer<typeof UpstreamClock>;

/** The warning for a median offset (seconds, peers minus ours), or null within 70 minutes. */
export function clockWarningText(peerOffsetSeconds: number): string | null {
  if (!Number.isFinite(peerOffsetSeconds) || Math.abs(peerOffsetSeconds) <= MAX_CLOCK_OFFSET_SECONDS)
    return null;
  const minutes = Math.round(Math.abs(peerOffsetSeconds) / 60).toLocaleString('en-US');
  const side = peerOffsetSeconds > 0 ? 'behind' : 'ahead of';
  return `This machine's clock is ${minutes} min ${side} its peers: set the time (NTP); headers may be refused as future-dated until then`;
}

/**
 * What the relay card shows for the relay's clock report: our own text from the offset when the
 * relay gives one (so every relay reads the same), else the relay's own warning, trimmed.
 */
export function clockWarningOf(clock: UpstreamClock | undefined | null): string | null {
  if (!clock) return null;
  if (typeof clock.peerOffsetSeconds === 'number') return clockWarningText(clock.peerOffsetSeconds);
  const own = clock.warning?.trim();
  if (!own) return null;
  return own.length > MAX_WARNING_CHARS ? `${own.slice(0, MAX_WARNING_CHARS - 1)}…` : own;
}
