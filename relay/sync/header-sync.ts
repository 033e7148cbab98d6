import { ZERO_HASH, hashToHex, sha256d } from '../wire/bytes';
import { MAX_HEADERS_PER_MESSAGE, PROTOCOL_VERSION } from '../wire/constants';
import type { GetHeaders } from '../wire/messages';
import { P2PProtocolError } from '../wire/protocol-error';
import { type SyncInfo, type SyncState, SyncRate, syncInfo } from './progress';
import type { AnnouncementHooks, HeaderSyncOptions, PeerState, SyncPeerRef } from './sync-types';
import type { BatchResult } from '../chain/chain-types';
import { HeadersPresync } from './presync';

export type { HeaderSyncOptions, ReorgEvent, SyncPeerRef, TipEvent } from './sync-types';

/** A decision for the P2P layer to carry out: send this getheaders to this peer. */
export interface GetHeadersAsk<P extends SyncPeerRef> {
  readonly peer: P;
  readonly getheaders: GetHeaders;
}

const UPSTREAM_SYNC_RETRY_MS = 60_000;
const FUTURE_LOG_EVERY_MS = 60_000;

/** Bitcoin Core's MAX_NUM_UNCONNECTING_HEADERS_MSGS. */
const MAX_UNCONNECTING = 10;
/** A live headers announcement is a block or two; past this it is catch-up, not worth hashing for lag. */
const MAX_ANNOUNCED_HEADERS = 8;
/** A peer this many blocks ahead at handshake means we missed history: catch up before being live. */
const RESYNC_GAP = 6;

/**
 * Header sync as Bitcoin Core does it: one getheaders in flight per peer, the next one sent only when
 * a full reply (2000) arrives; announcements during catch-up only note what the peer has. Decides
 * "synced" from the peer's start height, an announcement that extends our tip, a short reply, or a
 * peer that stays silent on an up-to-date locator.
 *
 * No I/O, as Core keeps headerssync.cpp: it holds no socket and no timer. It decides what to accept
 * (into the chain) and what to ask, and returns each ask as a GetHeadersAsk that the P2P layer
 * (relay/p2p/header-sync.ts) sends; the P2P layer also calls tick() on its own timer. Peers are
 * opaque keys here (`P`): only their address and reported start height are read.
 */
export class HeaderSyncCore<P extends SyncPeerRef> {
  private readonly peers = new Map<P, PeerState>();
  private readonly announcements: AnnouncementHooks;
  private readonly rate = new SyncRate();
  /** The asks decided during the current call, returned by it. */
  private asks: GetHeadersAsk<P>[] = [];
  private synced = false;
  private stalled = false;
  private lastLog = 0;
  private lastFutureLog = 0;
  /** Headers refused for being over 2 h ahead of our clock (not misbehaviour). */
  futureRejected = 0;
  private readonly now: () => number;
  getheadersSent = 0;

  constructor(private readonly opts: HeaderSyncOptions & { readonly announcements: AnnouncementHooks }) {
    this.now = opts.now ?? Date.now;
    this.announcements = opts.announcements;
  }

  get isSynced(): boolean {
    return this.synced;
  }

  /** Runs one entry point and returns the asks it decided (none if it threw: the peer is dropped). */
  private deciding(run: () => void): GetHeadersAsk<P>[] {
    this.asks = [];
    try {
      run();
      return this.asks;
    } finally {
      this.asks = [];
    }
  }

  attach(peer: P): readonly GetHeadersAsk<P>[] {
    return this.deciding(() => this.attachPeer(peer));
  }

  private attachPeer(peer: P): void {
    const startHeight = peer.remote?.startHeight ?? 0;
    this.peers.set(peer, {
      inFlightSince: null,
      startHeight,
      bestKnown: startHeight,
      announcedUnknown: false,
      unconnecting: 0,
      getheaders: 0,
      upstreamSyncing: false,
      lastAskAt: 0,
      presync: null,
    });
    const chain = this.opts.chain;
    // One index rehash up front instead of a doubling series while 2000-header batches arrive.
    chain.reserve(startHeight);
    if (chain.height >= startHeight && chain.height > 0) this.markSynced('peer start height reached', peer);
    else if (this.synced && startHeight > chain.height + RESYNC_GAP) {
      // Back after a long gap (or a peer far ahead): not live until caught up again.
      this.synced = false;
      this.opts.log.info('behind peer, syncing headers again', {
        height: chain.height,
        peerHeight: startHeight,
        peer: peer.address,
      });
    }
    this.request(peer);
  }

  detach(peer: P): void {
    this.peers.delete(peer);
    this.opts.chain.forgetPeer(peer.address);
  }

  info(): SyncInfo {
    let target = 0;
    for (const st of this.peers.values()) target = Math.max(target, st.bestKnown);
    const state: SyncState = this.synced
      ? 'synced'
      : this.peers.size === 0
        ? 'connecting'
        : this.stalled
          ? 'stalled'
          : 'syncing';
    const waiting = this.waitingOnUpstream();
    if (state !== 'synced' && waiting !== null) {
      return { ...syncInfo('waiting-upstream', this.opts.chain.height, target, 0), upstreamHeight: waiting };
    }
    return syncInfo(state, this.opts.chain.height, target, this.rate.perSecond(this.now()));
  }

  /** Every connected peer is itself still syncing: the highest height among them, else null. */
  private waitingOnUpstream(): number | null {
    if (this.peers.size === 0) return null;
    let height = -1;
    for (const st of this.peers.values()) {
      if (!st.upstreamSyncing) return null;
      height = Math.max(height, st.bestKnown);
    }
    return height;
  }

  /** A peer's chain as the relay sees it, for /health: null when it serves us normally. */
  peerChainState(peer: P): string | null {
    const st = this.peers.get(peer);
    if (!st) return null;
    if (st.upstreamSyncing) return `syncing (height ${st.bestKnown})`;
    if (st.presync) return `presync (height ${st.presync.presyncHeight}, ${st.presync.phase})`;
    return null;
  }

  /** A peer showed a branch with more work than ours that is not validated yet: not ready meanwhile. */
  get unvalidatedWork(): boolean {
    for (const st of this.peers.values()) if (st.presync?.phase === 'redownload') return true;
    return false;
  }

  /** Bytes held by presync state across peers (digests and second-pass headers). */
  get presyncBytes(): number {
    let n = 0;
    for (const st of this.peers.values()) n += st.presync?.bytes ?? 0;
    return n;
  }

  /** A getheaders from our tip, unless one is already out to this peer. */
  private request(peer: P, ahead?: Buffer): void {
    const st = this.peers.get(peer);
    if (!st || st.inFlightSince !== null) return;
    st.inFlightSince = this.now();
    st.lastAskAt = st.inFlightSince;
    st.getheaders++;
    this.getheadersSent++;
    const locator = this.opts.chain.locator();
    const from = st.presync ? (ahead ?? st.presync.start.hash) : ahead;
    if (from) locator.unshift(from);
    this.asks.push({ peer, getheaders: { version: PROTOCOL_VERSION, locator, stop: ZERO_HASH } });
  }

  onInv(peer: P, blockHashes: readonly Buffer[], receivedAt: number): readonly GetHeadersAsk<P>[] {
    return this.deciding(() => this.noteInv(peer, blockHashes, receivedAt));
  }

  private noteInv(peer: P, blockHashes: readonly Buffer[], receivedAt: number): void {
    const st = this.peers.get(peer);
    if (!st) return;
    let unknown = false;
    const pending = this.announcements.pendingInv;
    for (const hash of blockHashes) {
      const hex = hashToHex(hash);
      if (this.opts.chain.hasHash(hash)) {
        // A later copy of a block we have is this peer's lag. Unknown hashes count only once their
        // header proves them real (in emit, through pendingInv).
        if (this.synced) this.announcements.announced(peer.address, hex, receivedAt);
        continue;
      }
      unknown = true;
      // Bounded: the oldest is forgotten, not the whole set.
      if (!pending.has(hex)) pending.set(hex, { at: receivedAt, peer: peer.address });
    }
    if (!unknown) return;
    st.announcedUnknown = true;
    this.request(peer);
  }

  /**
   * A full reply that connects: the next batch (from its last header) is asked for before this one is
   * validated, so the peer prepares it while we hash. Still one request in flight; a bad batch drops
   * the peer anyway. Called before onHeaders with the same batch, whose `askedAhead` says if it asked.
   */
  askAhead(peer: P, raws: readonly Buffer[], solicited = true): GetHeadersAsk<P> | null {
    const st = this.peers.get(peer);
    if (!st || !this.pipelines(st, raws, solicited)) return null;
    return (
      this.deciding(() => {
        st.inFlightSince = null;
        this.request(peer, sha256d(raws[raws.length - 1]!));
      })[0] ?? null
    );
  }

  private pipelines(st: PeerState, raws: readonly Buffer[], solicited: boolean): boolean {
    const chain = this.opts.chain;
    const answering = solicited && st.inFlightSince !== null;
    if (!answering || st.presync || raws.length !== MAX_HEADERS_PER_MESSAGE) return false;
    if (!chain.hasMinimumWork && chain.main.tipHash.compare(raws[0]!, 4, 36) === 0) return false;
    return chain.main.find(raws[0]!.subarray(4, 36)) >= 0;
  }

  /** headers messages, and the header of a cmpctblock or block (`solicited` false). */
  onHeaders(
    peer: P,
    raws: readonly Buffer[],
    receivedAt: number,
    solicited = true,
    askedAhead = false,
  ): readonly GetHeadersAsk<P>[] {
    return this.deciding(() => this.acceptHeaders(peer, raws, receivedAt, solicited, askedAhead));
  }

  private acceptHeaders(
    peer: P,
    raws: readonly Buffer[],
    receivedAt: number,
    solicited: boolean,
    pipelined: boolean,
  ): void {
    const st = this.peers.get(peer);
    if (!st) return;
    const chain = this.opts.chain;
    const answering = solicited && st.inFlightSince !== null;
    if (st.presync) {
      if (answering) this.onPresyncHeaders(peer, st, raws, receivedAt);
      else st.announcedUnknown = true;
      return;
    }
    if (raws.length === 0) {
      if (answering) this.caughtUp(peer, st, 'peer has no more headers', true);
      return;
    }
    const full = raws.length === MAX_HEADERS_PER_MESSAGE;
    // Below the minimum work a chain is not stored until it has shown that work (headers presync):
    // a peer offering a long low-work chain costs us a few bytes per 600 headers, not 80 per header.
    if (answering && !chain.hasMinimumWork && chain.main.tipHash.compare(raws[0]!, 4, 36) === 0) {
      this.beginPresync(peer, st, chain.height, true);
      return this.onPresyncHeaders(peer, st, raws, receivedAt);
    }
    // Announced headers we already have (another peer was first): this peer's lag.
    if (this.synced && !answering && raws.length <= MAX_ANNOUNCED_HEADERS) {
      for (const raw of raws) {
        const hash = sha256d(raw);
        if (chain.hasHash(hash)) this.announcements.announced(peer.address, hashToHex(hash), receivedAt);
      }
    }
    const result = chain.addHeaders(raws, peer.address);
    if (!result.connected) {
      // During catch-up this is the peer announcing its new tip: note it; the reply in flight (or the
      // one sent now if none is) will bring us there.
      if (++st.unconnecting > MAX_UNCONNECTING) {
        throw new P2PProtocolError(
          'UNCONNECTED_HEADERS',
          `${st.unconnecting} header messages that do not connect`,
        );
      }
      st.announcedUnknown = true;
      this.request(peer);
      return;
    }
    st.unconnecting = 0;
    if (result.future) this.noteFuture(peer, result.future.reason);
    if (result.deepFork) {
      this.emitResult(peer, result, receivedAt, false);
      return this.beginPresync(peer, st, result.deepFork.fork);
    }
    if (result.added > 0 || result.newMain.length > 0) st.upstreamSyncing = false;
    if (answering && !pipelined) st.inFlightSince = null;
    this.stalled = false;
    st.bestKnown = Math.max(st.bestKnown, chain.height);
    this.rate.note(this.now(), chain.height);
    // Only what arrives after catch-up is streamed: the batch that completes it is history.
    const wasSynced = this.synced;
    const extendsTip = !answering && !result.reorg && result.newMain[0] === result.tipBefore + 1;
    if (!this.synced && extendsTip && chain.hasMinimumWork)
      this.markSynced('announcement extends our tip', peer);
    if (!this.synced && st.startHeight > 0 && chain.height >= st.startHeight) {
      this.markSynced('peer start height reached', peer);
    }
    this.emitResult(peer, result, receivedAt, wasSynced || (this.synced && extendsTip));
    if (full) {
      if (!pipelined) this.request(peer);
    } else if (answering) this.caughtUp(peer, st, 'short headers reply');
    this.logProgress(false);
  }

  /** A reorg first (its disconnected blocks), then the new best-chain blocks. */
  private emitResult(peer: P, result: BatchResult, receivedAt: number, live: boolean): void {
    if (result.reorg && result.disconnected.length > 0) {
      const fork = (result.disconnected[result.disconnected.length - 1]?.height ?? 1) - 1;
      this.opts.onReorg?.({ disconnected: result.disconnected, fork, live, peer: peer.address });
    }
    this.emit(peer, result.newMain, receivedAt, live);
  }

  private beginPresync(peer: P, st: PeerState, fork: number, extendsTip = false): void {
    const chain = this.opts.chain;
    const entry = chain.atHeight(fork);
    if (!entry) return;
    const target =
      chain.tipWork > chain.params.minimumChainWork ? chain.tipWork : chain.params.minimumChainWork;
    st.presync = new HeadersPresync(
      chain.params,
      {
        height: fork,
        hash: entry.header.hashBytes,
        work: entry.work,
        bits: entry.header.bits,
        time: entry.header.time,
      },
      target,
      Math.floor(Date.now() / 1000),
      extendsTip,
    );
    st.inFlightSince = null;
    if (extendsTip) {
      this.opts.log.info(
        "below minimum chain work: checking the peer chain's work before storing it (headers presync)",
        {
          peer: peer.address,
          height: chain.height,
        },
      );
      return;
    }
    this.opts.log.info('deep fork: checking its work before storing it (headers presync)', {
      peer: peer.address,
      fork,
      tip: chain.height,
    });
    this.request(peer);
  }

  private onPresyncHeaders(peer: P, st: PeerState, raws: readonly Buffer[], receivedAt: number): void {
    const presync = st.presync as HeadersPresync;
    st.inFlightSince = null;
    this.stalled = false;
    const step =
      raws.length === 0
        ? ({ kind: 'abort', reason: 'the peer has no more headers on the branch', lowWork: true } as const)
        : presync.feed(raws, raws.length === MAX_HEADERS_PER_MESSAGE);
    if (step.kind === 'more') {
      if (step.release.length > 0) this.storePresynced(peer, step.release, receivedAt);
      return this.request(peer, step.from);
    }
    st.presync = null;
    if (step.kind === 'abort') {
      this.opts.log.info('deep fork not followed', {
        peer: peer.address,
        reason: step.reason,
        fork: presync.start.height,
      });
      if (step.lowWork) {
        st.upstreamSyncing =
          !this.opts.chain.hasMinimumWork || presync.presyncHeight <= this.opts.chain.height;
        st.bestKnown = Math.max(st.bestKnown, presync.presyncHeight);
      }
      return;
    }
    const chain = this.opts.chain;
    if (presync.extendsTip) {
      this.storePresynced(peer, step.headers, receivedAt);
      st.upstreamSyncing = false;
      st.bestKnown = Math.max(st.bestKnown, chain.height);
      return this.request(peer);
    }
    const result = chain.adoptBranch(presync.start.height, presync.start.hash, step.headers);
    if (!result.connected) {
      this.opts.log.warn('deep fork no longer applies', { peer: peer.address, fork: presync.start.height });
      return this.request(peer);
    }
    st.upstreamSyncing = false;
    st.bestKnown = Math.max(st.bestKnown, chain.height);
    this.rate.note(this.now(), chain.height);
    this.emitResult(peer, result, receivedAt, this.synced);
    // More may follow the branch's tip: a normal getheaders from the new tip.
    this.request(peer);
  }

  /** Second-pass headers that extend our tip: stored as any catch-up batch is. */
  private storePresynced(peer: P, raws: Buffer[], receivedAt: number): void {
    const chain = this.opts.chain;
    for (let i = 0; i < raws.length; i += MAX_HEADERS_PER_MESSAGE) {
      const result = chain.addHeaders(raws.slice(i, i + MAX_HEADERS_PER_MESSAGE), peer.address);
      this.rate.note(this.now(), chain.height);
      this.emitResult(peer, result, receivedAt, false);
    }
  }

  private noteFuture(peer: P, reason: string): void {
    this.futureRejected++;
    const now = this.now();
    if (now - this.lastFutureLog < FUTURE_LOG_EVERY_MS) return;
    this.lastFutureLog = now;
    this.opts.log.warn(
      "header from the future rejected (not counted against the peer; check this machine's clock)",
      {
        peer: peer.address,
        reason,
      },
    );
  }

  private emit(peer: P, heights: readonly number[], receivedAt: number, live: boolean): void {
    const chain = this.opts.chain;
    const last = heights[heights.length - 1];
    if (last === undefined) return;
    if (!live) {
      if (last === chain.height)
        this.opts.onTip({ entry: chain.tip, receivedAt, live: false, peer: peer.address });
      return;
    }
    const { pendingInv } = this.announcements;
    for (const h of heights) {
      const entry = chain.atHeight(h);
      if (!entry) continue;
      const hash = entry.header.hash;
      // An inv that announced it earlier counts from the inv's arrival, for the inv's sender.
      const inv = pendingInv.get(hash);
      if (inv) {
        pendingInv.delete(hash);
        this.announcements.announced(inv.peer, hash, inv.at);
      }
      const first = this.announcements.announced(peer.address, hash, receivedAt);
      this.opts.onTip({ entry, receivedAt: inv?.at ?? receivedAt, live: true, peer: first });
    }
  }

  private caughtUp(peer: P, st: PeerState, why: string, empty = false): void {
    st.inFlightSince = null;
    st.announcedUnknown = false;
    // Nothing after our tip from a peer that reported far less than we have: it is behind us.
    const behind = empty && st.bestKnown + RESYNC_GAP < this.opts.chain.height;
    if (!behind) st.bestKnown = Math.max(st.bestKnown, this.opts.chain.height);
    // An empty reply to a locator above what the peer reported, or with our chain below the minimum
    // work: Core answers so while in initial block download. It is not misbehaving: keep it, ask
    // again on a slow timer and when it announces.
    const chain = this.opts.chain;
    if (!chain.hasMinimumWork || behind) {
      if (!st.upstreamSyncing) {
        this.opts.log.info('upstream node is still syncing its own chain; waiting for it', {
          peer: peer.address,
          peerHeight: st.startHeight,
          height: chain.height,
        });
      }
      st.upstreamSyncing = true;
      if (!chain.hasMinimumWork) return;
    } else st.upstreamSyncing = false;
    if (this.synced) return;
    this.markSynced(why, peer);
  }

  private markSynced(why: string, peer: P): void {
    if (this.synced || !this.opts.chain.hasMinimumWork) return;
    this.synced = true;
    const tip = this.opts.chain.tip;
    this.opts.log.info('headers synced', {
      height: tip.height,
      hash: tip.header.hash,
      why,
      peer: peer.address,
      getheaders: this.getheadersSent,
    });
  }

  /** Called by the P2P layer's timer (every 250 ms): asks again what went unanswered or is due. */
  tick(): readonly GetHeadersAsk<P>[] {
    return this.deciding(() => this.checkTimers());
  }

  private checkTimers(): void {
    const now = this.now();
    const silence = this.opts.silenceMs ?? 3000;
    const retry = this.opts.upstreamSyncRetryMs ?? UPSTREAM_SYNC_RETRY_MS;
    for (const [peer, st] of this.peers) {
      if (st.upstreamSyncing && st.inFlightSince === null && now - st.lastAskAt >= retry) {
        this.request(peer);
        continue;
      }
      if (st.inFlightSince === null || now - st.inFlightSince < silence) continue;
      // Some implementations never answer a getheaders whose locator is already their tip.
      if (this.opts.chain.height >= st.bestKnown && !st.announcedUnknown) {
        this.caughtUpQuietly(peer, st);
        continue;
      }
      this.stalled = true;
      this.opts.log.warn('getheaders unanswered', {
        peer: peer.address,
        waitedMs: now - st.inFlightSince,
        height: this.opts.chain.height,
        peerHeight: st.bestKnown,
      });
      st.inFlightSince = null;
      this.request(peer);
    }
    this.logProgress(true);
  }

  private caughtUpQuietly(peer: P, st: PeerState): void {
    try {
      this.caughtUp(peer, st, 'getheaders unanswered with our tip at the peer height');
    } catch (err) {
      this.opts.log.warn('peer chain below minimum work', {
        peer: peer.address,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }

  private logProgress(fromTimer: boolean): void {
    if (this.synced || this.peers.size === 0) return;
    const now = this.now();
    if (now - this.lastLog < (this.opts.logEveryMs ?? 3000) && !(fromTimer && this.lastLog === 0)) return;
    this.lastLog = now;
    const i = this.info();
    this.opts.log.info('syncing headers', {
      height: i.height,
      targetHeight: i.targetHeight,
      headersPerSecond: i.headersPerSecond,
      etaSeconds: i.etaSeconds,
    });
  }
}
