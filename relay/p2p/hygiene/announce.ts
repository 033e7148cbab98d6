import { nearestRank } from '../../../shared/percentile';
import { BoundedMap } from '../../util/bounded-map';

/** Blocks remembered for lead/lag; a block's later announcements arrive within seconds. */
const MAX_BLOCKS = 2048;
/** Per-peer lead samples kept for the p50; the window slides. */
const MAX_SAMPLES = 128;
/** A copy arriving later than this is a peer catching up (reconnect, sync), not an announcement. */
const LEAD_WINDOW_MS = 60_000;

interface FirstSeen {
  readonly at: number;
  readonly peer: string;
  /** Peers that announced it; at most the configured peer count. */
  readonly peers: Set<string>;
}

export interface AnnounceStats {
  /** p50 of (this peer's arrival − first arrival) over the last samples; 0 when it was first. */
  announceLeadMs: number | null;
  firstAnnouncements: number;
  announcements: number;
}

interface PeerSamples {
  firsts: number;
  count: number;
  leads: number[];
}

/**
 * Which peer announced each block first and how far behind the others were. The first announcer
 * wins the block; every later copy from another peer is a lag sample for that peer.
 */
export class AnnounceTracker {
  private readonly blocks = new BoundedMap<string, FirstSeen>(MAX_BLOCKS);
  private readonly peers = new Map<string, PeerSamples>();

  constructor(private readonly onLead: (peer: string, leadMs: number) => void = () => undefined) {}

  /**
   * Notes `peer` announcing `hash` at `at` (wall ms); returns the peer that announced it first.
   * Only live announcements belong here: catch-up batches are history, not news.
   */
  note(peer: string, hash: string, at: number): string {
    const seen = this.blocks.get(hash);
    if (!seen) {
      this.blocks.set(hash, { at, peer, peers: new Set([peer]) });
      const s = this.samples(peer);
      s.firsts++;
      this.record(peer, s, 0);
      return peer;
    }
    if (seen.peers.has(peer)) return seen.peer;
    seen.peers.add(peer);
    const lead = Math.max(0, at - seen.at);
    if (lead <= LEAD_WINDOW_MS) this.record(peer, this.samples(peer), lead);
    return seen.peer;
  }

  /** Who announced this block first, when it is still remembered. */
  firstAnnouncer(hash: string): string | null {
    return this.blocks.get(hash)?.peer ?? null;
  }

  stats(peer: string): AnnounceStats {
    const s = this.peers.get(peer);
    if (!s) return { announceLeadMs: null, firstAnnouncements: 0, announcements: 0 };
    return { announceLeadMs: leadP50(s.leads), firstAnnouncements: s.firsts, announcements: s.count };
  }

  private samples(peer: string): PeerSamples {
    let s = this.peers.get(peer);
    if (!s) {
      s = { firsts: 0, count: 0, leads: [] };
      this.peers.set(peer, s);
    }
    return s;
  }

  private record(peer: string, s: PeerSamples, leadMs: number): void {
    s.count++;
    s.leads.push(leadMs);
    if (s.leads.length > MAX_SAMPLES) s.leads.shift();
    this.onLead(peer, leadMs);
  }
}

/** The p50 of the leads, nearest rank like every percentile the panel shows, to the microsecond. */
function leadP50(values: readonly number[]): number | null {
  const p50 = nearestRank(
    [...values].sort((a, b) => a - b),
    0.5,
  );
  return p50 === null ? null : Math.round(p50 * 1000) / 1000;
}
