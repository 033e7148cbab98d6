import { BoundedMap } from '../util/bounded-map';
import { encodeGetHeaders } from '../wire/messages';
import type { SyncInfo } from '../sync/progress';
import { type GetHeadersAsk, HeaderSyncCore } from '../sync/header-sync';
import type { HeaderSyncOptions, SyncPeerRef } from '../sync/sync-types';
import { MAX_PENDING_INV } from './hygiene/upstream-hygiene';

export type { HeaderSyncOptions, ReorgEvent, TipEvent } from '../sync/sync-types';

/** What header sync needs of a connection: the relay's Peer has this shape. */
export interface SyncPeer extends SyncPeerRef {
  send(command: string, payload?: Buffer): void;
}

/** How often the sync's timers are checked: unanswered getheaders, peers due to be asked again. */
const TICK_MS = 250;

/**
 * Header sync's I/O half: relay/sync/header-sync.ts decides what to ask and what to accept; this
 * sends each getheaders it decides to the peer and runs its timer. The calls and their effects are
 * those of the sync itself, in the same order.
 */
export class HeaderSync {
  private readonly core: HeaderSyncCore<SyncPeer>;
  private readonly timer: NodeJS.Timeout;

  constructor(opts: HeaderSyncOptions) {
    this.core = new HeaderSyncCore<SyncPeer>({
      ...opts,
      announcements: opts.announcements ?? {
        announced: (peer) => peer,
        pendingInv: new BoundedMap(MAX_PENDING_INV),
      },
    });
    this.timer = setInterval(() => this.send(this.core.tick()), TICK_MS);
    this.timer.unref();
  }

  get isSynced(): boolean {
    return this.core.isSynced;
  }

  /** Headers refused for being over 2 h ahead of our clock (not misbehaviour). */
  get futureRejected(): number {
    return this.core.futureRejected;
  }

  get getheadersSent(): number {
    return this.core.getheadersSent;
  }

  /** A peer showed a branch with more work than ours that is not validated yet: not ready meanwhile. */
  get unvalidatedWork(): boolean {
    return this.core.unvalidatedWork;
  }

  /** Bytes held by presync state across peers (digests and second-pass headers). */
  get presyncBytes(): number {
    return this.core.presyncBytes;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  attach(peer: SyncPeer): void {
    this.send(this.core.attach(peer));
  }

  detach(peer: SyncPeer): void {
    this.core.detach(peer);
  }

  info(): SyncInfo {
    return this.core.info();
  }

  /** A peer's chain as the relay sees it, for /health: null when it serves us normally. */
  peerChainState(peer: SyncPeer): string | null {
    return this.core.peerChainState(peer);
  }

  onInv(peer: SyncPeer, blockHashes: readonly Buffer[], receivedAt: number): void {
    this.send(this.core.onInv(peer, blockHashes, receivedAt));
  }

  /** headers messages, and the header of a cmpctblock or block (`solicited` false). */
  onHeaders(peer: SyncPeer, raws: readonly Buffer[], receivedAt: number, solicited = true): void {
    // Sent before the batch is validated, so the peer prepares the next one while we hash this one.
    const ahead = this.core.askAhead(peer, raws, solicited);
    if (ahead) this.send([ahead]);
    this.send(this.core.onHeaders(peer, raws, receivedAt, solicited, ahead !== null));
  }

  private send(asks: readonly GetHeadersAsk<SyncPeer>[]): void {
    for (const { peer, getheaders } of asks) peer.send('getheaders', encodeGetHeaders(getheaders));
  }
}
