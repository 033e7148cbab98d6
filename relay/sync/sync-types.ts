import type { ChainEntry, HeaderChain } from '../chain/chain';
import type { DisconnectedBlock } from '../chain/chain-types';
import type { Logger } from '../util/log';
import type { HeadersPresync } from './presync';

/**
 * What sync reads of a connection: its address and the start height its version message reported.
 * Sync never sends: the P2P layer (relay/p2p/header-sync.ts) sends what sync decides.
 */
export interface SyncPeerRef {
  readonly address: string;
  readonly remote: { readonly startHeight: number } | null;
}

export interface TipEvent {
  readonly entry: ChainEntry;
  /** Arrival of the message that announced the block (the inv, when an inv started it). */
  readonly receivedAt: number;
  /** False while catching up: the block is not pushed to stream clients, who want new blocks. */
  readonly live: boolean;
  readonly peer: string;
}

/** The best chain switched branches (told before the new branch's tip events). */
export interface ReorgEvent {
  /** Old tip first. */
  readonly disconnected: readonly DisconnectedBlock[];
  readonly fork: number;
  readonly live: boolean;
  readonly peer: string;
}

/** Where an inv-announced block was first seen, until its header arrives. */
export interface PendingInv {
  readonly at: number;
  readonly peer: string;
}

/**
 * Peer hygiene's view of announcements (relay/p2p/hygiene/upstream-hygiene.ts): each peer's lead or
 * lag behind the first announcer, and the bounded set of inv-announced hashes (hex) still pending.
 */
export interface AnnouncementHooks {
  /** A live announcement of `hash` by `peer`, also of a block we already have; returns who was first. */
  announced(peer: string, hash: string, at: number): string;
  readonly pendingInv: {
    get(hash: string): PendingInv | undefined;
    has(hash: string): boolean;
    set(hash: string, value: PendingInv): void;
    delete(hash: string): boolean;
  };
}

export interface HeaderSyncOptions {
  readonly chain: HeaderChain;
  readonly log: Logger;
  readonly onTip: (event: TipEvent) => void;
  readonly onReorg?: (event: ReorgEvent) => void;
  /** How often to ask again a peer that is itself still syncing (Core in IBD); default 60 s. */
  readonly upstreamSyncRetryMs?: number;
  /** A getheaders unanswered this long, with our tip at the peer's height, means we are caught up. */
  readonly silenceMs?: number;
  readonly logEveryMs?: number;
  /** The P2P layer defaults it to a bounded pending-inv map and no lead/lag tracking. */
  readonly announcements?: AnnouncementHooks;
  readonly now?: () => number;
}

export interface PeerState {
  inFlightSince: number | null;
  /** The height its version message reported (0 says nothing: some implementations send 0). */
  readonly startHeight: number;
  /** Highest height this peer is known to have: its version start height, then what it served. */
  bestKnown: number;
  /** It announced something we could not connect: it has more than we know of. */
  announcedUnknown: boolean;
  unconnecting: number;
  getheaders: number;
  /** Its own chain is below what we need (Core in IBD answers an empty headers): kept, asked again slowly. */
  upstreamSyncing: boolean;
  lastAskAt: number;
  /** A branch it serves that forks too deep to store until it shows its work. */
  presync: HeadersPresync | null;
}
