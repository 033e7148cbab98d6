import type { Logger } from '../../util/log';
import { Backoff } from '../../../shared/backoff';
import type { DisconnectReason, Peer } from '../peer';
import { AnnounceTracker } from './announce';
import { BanList } from './bans';
import { BoundedMap } from '../../util/bounded-map';
import type { HygieneConfig } from './config';
import { NO_PEER_EVENTS, type PeerEventSink } from './peer-events';

/** Block hashes announced by inv whose headers we have asked for; Core keeps a bounded set too. */
export const MAX_PENDING_INV = 1000;

export interface PendingInv {
  readonly at: number;
  readonly peer: string;
}

/** Per-peer fields /health adds to upstream.peers[] (team interface). */
export type PeerHygieneFields = {
  misbehaviour: number;
  bannedUntil: number | null;
  bans: number;
  announceLeadMs: number | null;
  firstAnnouncements: number;
  unknownCommands: number;
};

interface AddressState {
  readonly backoff: Backoff;
  goodTimer: NodeJS.Timeout | null;
  lastScore: number;
  lastUnknown: number;
}

/**
 * The peer-hygiene side of Upstream, kept apart from the sync logic: reconnect and ban scheduling,
 * drop/ban logs and metrics, pending-inv bookkeeping and announcement lead/lag. Upstream calls it at
 * four points: peer ready, peer closed, block announced, and when it reports its peers.
 */
export class UpstreamHygiene {
  readonly bans: BanList;
  readonly announcements: AnnounceTracker;
  readonly pendingInv = new BoundedMap<string, PendingInv>(MAX_PENDING_INV);
  private readonly addresses = new Map<string, AddressState>();

  constructor(
    readonly config: HygieneConfig,
    private readonly log: Logger,
    private readonly events: PeerEventSink = NO_PEER_EVENTS,
  ) {
    this.bans = new BanList(config);
    this.announcements = new AnnounceTracker((peer, ms) => events.announceLead(peer, ms));
  }

  /**
   * The reconnect backoff resets only once the peer has stayed connected, answered a ping and not
   * misbehaved for goodPeerMs; resetting at the handshake let a violator reconnect every 250 ms.
   */
  onReady(peer: Peer): void {
    const s = this.state(peer.address);
    if (s.goodTimer) clearTimeout(s.goodTimer);
    s.goodTimer = setTimeout(() => {
      s.goodTimer = null;
      if (peer.state === 'ready' && peer.guard.misbehaviour.score === 0 && peer.rttMs !== null) {
        s.backoff.reset();
        this.log.debug('peer behaved: reconnect backoff reset', { peer: peer.address });
      }
    }, this.config.goodPeerMs);
    s.goodTimer.unref();
  }

  /** Logs and counts the disconnect, bans a violator; returns the delay before reconnecting. */
  onClose(peer: Peer, reason: DisconnectReason, wasReady: boolean): number {
    const s = this.state(peer.address);
    if (s.goodTimer) clearTimeout(s.goodTimer);
    s.goodTimer = null;
    s.lastScore = peer.guard.misbehaviour.score;
    s.lastUnknown = peer.guard.limits.unknownCommands;
    this.events.disconnect(reason.code);
    let delay = s.backoff.next();
    const fields = {
      peer: peer.address,
      code: reason.code,
      reason: reason.message,
      wasReady,
      misbehaviour: peer.guard.misbehaviour.score,
    };
    if (reason.violation) {
      const { durationMs, record } = this.bans.ban(peer.address, reason.code);
      this.events.ban(reason.code);
      delay = Math.max(delay, durationMs);
      this.log.warn('peer dropped', {
        ...fields,
        violations: peer.guard.misbehaviour.summary(),
        recentViolations: peer.guard.misbehaviour.reasons,
        ignoredCommands: peer.ignoredCommands,
        unknownCommands: peer.guard.limits.unknownCommands,
        reconnectInMs: delay,
      });
      this.log.warn('peer banned', {
        peer: peer.address,
        code: reason.code,
        reason: reason.message,
        banMs: durationMs,
        bans: record.bans,
        bannedUntil: record.bannedUntil,
      });
    } else if (
      reason.code === 'PEER_CLOSED' ||
      reason.code === 'SOCKET_ERROR' ||
      reason.code === 'SHUTDOWN'
    ) {
      this.log.info('peer disconnected', { ...fields, reconnectInMs: delay });
    } else {
      this.log.warn('peer dropped', { ...fields, reconnectInMs: delay });
    }
    return delay;
  }

  /** A live (not catch-up) announcement of `hash` by `peer`; returns the peer that was first. */
  announced(peer: string, hash: string, at: number): string {
    return this.announcements.note(peer, hash, at);
  }

  fields(address: string, live: Peer | null): PeerHygieneFields {
    const ban = this.bans.get(address);
    const s = this.addresses.get(address);
    const a = this.announcements.stats(address);
    const bannedUntil = ban.bannedUntil !== null && ban.bannedUntil > Date.now() ? ban.bannedUntil : null;
    return {
      misbehaviour: live ? live.guard.misbehaviour.score : (s?.lastScore ?? 0),
      bannedUntil,
      bans: ban.bans,
      announceLeadMs: a.announceLeadMs,
      firstAnnouncements: a.firstAnnouncements,
      unknownCommands: live ? live.guard.limits.unknownCommands : (s?.lastUnknown ?? 0),
    };
  }

  stop(): void {
    for (const s of this.addresses.values()) if (s.goodTimer) clearTimeout(s.goodTimer);
  }

  private state(address: string): AddressState {
    let s = this.addresses.get(address);
    if (!s) {
      s = {
        backoff: new Backoff(this.config.reconnectBaseMs, this.config.reconnectMaxMs),
        goodTimer: null,
        lastScore: 0,
        lastUnknown: 0,
      };
      this.addresses.set(address, s);
    }
    return s;
  }
}
