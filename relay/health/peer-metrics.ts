import { Counter, Histogram, type Registry } from 'prom-client';
import type { PeerEventSink } from '../p2p/hygiene/peer-events';

/** How far behind the first announcer a peer's announcement came: 0 when it was first. */
/** From 0 (first) to a minute behind: loopback peers differ by ms, real ones by seconds. */
export const ANNOUNCE_LEAD_BUCKETS = [
  0, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];
/** Peer labels are addresses from configuration, but a cap keeps a misconfiguration from exploding. */
export const MAX_PEER_LABELS = 32;
export const OTHER_PEER = 'other';
/** Reasons are codes (P2PErrorCode, ban reasons), capped per counter for the same reason. */
export const MAX_REASON_LABELS = 64;
export const OTHER_REASON = 'other';

/**
 * Peer hygiene's metrics, registered here with a small setter API so the P2P code only calls
 * `disconnected`, `banned` and `announceLead` and never touches prom-client.
 */
export class PeerMetrics implements PeerEventSink {
  private readonly disconnects: Counter;
  private readonly bans: Counter;
  private readonly lead: Histogram;
  private readonly peers = new Set<string>();
  private readonly disconnectReasons = new Set<string>();
  private readonly banReasons = new Set<string>();

  constructor(registers: Registry[]) {
    this.disconnects = new Counter({
      name: 'bitcoin_sprint_peer_disconnects_total',
      help: 'Upstream peer connections that ended, by reason code',
      labelNames: ['reason'],
      registers,
    });
    this.bans = new Counter({
      name: 'bitcoin_sprint_peer_bans_total',
      help: 'Upstream peers banned, by reason code',
      labelNames: ['reason'],
      registers,
    });
    this.lead = new Histogram({
      name: 'bitcoin_sprint_peer_announce_lead_seconds',
      help: 'How far behind the first announcer this peer announced a block (0 when it was first)',
      labelNames: ['peer'],
      buckets: ANNOUNCE_LEAD_BUCKETS,
      registers,
    });
  }

  disconnect(reason: string): void {
    this.disconnects.inc({ reason: capped(this.disconnectReasons, reason, MAX_REASON_LABELS, OTHER_REASON) });
  }

  ban(reason: string): void {
    this.bans.inc({ reason: capped(this.banReasons, reason, MAX_REASON_LABELS, OTHER_REASON) });
  }

  announceLead(peer: string, leadMs: number): void {
    if (!Number.isFinite(leadMs) || leadMs < 0) return;
    this.lead.observe({ peer: capped(this.peers, peer, MAX_PEER_LABELS, OTHER_PEER) }, leadMs / 1000);
  }
}

function capped(seen: Set<string>, value: string, max: number, other: string): string {
  if (seen.has(value)) return value;
  if (seen.size >= max) return other;
  seen.add(value);
  return value;
}
