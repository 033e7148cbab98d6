import type { UpstreamPeer } from '../../../shared/relay-status';
import { formatDuration, formatMs } from '../../format';

/** "first" for the peer that usually announces first, "+120 ms" for one that lags, "—" with no data. */
export function formatLead(ms: number | null | undefined): string {
  if (ms == null) return '—';
  return ms === 0 ? 'first' : `+${formatMs(ms)}`;
}

export type BanTone = 'ok' | 'warn' | 'bad';

/** The ban column: whether it is banned now and for how long, and how often it has been. */
export function banState(peer: UpstreamPeer, now: number): { text: string; tone: BanTone } {
  const bans = peer.bans ?? 0;
  const times = bans === 1 ? '1 ban' : `${bans} bans`;
  if (peer.bannedUntil != null && peer.bannedUntil > now) {
    return { text: `banned ${formatDuration(peer.bannedUntil - now + 999)} (${times})`, tone: 'bad' };
  }
  return bans > 0 ? { text: times, tone: 'warn' } : { text: 'none', tone: 'ok' };
}

/** Misbehaviour points against the drop threshold (Bitcoin Core's 100). */
export function misbehaviourTone(points: number | undefined): BanTone {
  if (!points) return 'ok';
  return points >= 50 ? 'bad' : 'warn';
}
