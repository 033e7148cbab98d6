import type { ChainEntry, HeaderChain } from '../chain/chain';
import type { Logger } from '../log';

/** What sync needs of a connection: the relay's Peer has this shape. */
export interface SyncPeer {
  readonly address: string;
  readonly remote: { readonly startHeight: number } | null;
  send(command: string, payload?: Buffer): void;
}

export interface TipEvent {
  readonly entry: ChainEntry;
  /** Arrival of the message that announced the block (the inv, when an inv started it). */
  readonly receivedAt: number;
  /** False while catching up: the block is not pushed to stream clients, who want new blocks. */
  readonly live: boolean;
  readonly peer: string;
}

export interface HeaderSyncOptions {
  readonly chain: HeaderChain;
  readonly log: Logger;
  readonly onTip: (event: TipEvent) => void;
  /** A getheaders unanswered this long, with our tip at the peer's height, means we are caught up. */
  readonly silenceMs?: number;
  readonly logEveryMs?: number;
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
}
