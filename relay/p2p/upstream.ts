import type { Logger } from '../log';
import { ZERO_HASH, hashToHex } from './bytes';
import type { ChainEntry, HeaderChain } from './chain';
import { INV_BLOCK, INV_WITNESS_FLAG, MAX_HEADERS_PER_MESSAGE } from './constants';
import { P2PProtocolError } from './errors';
import type { Frame } from './framing';
import type { BlockHeader } from './header';
import {
  decodeBlock,
  decodeCmpctBlockHeader,
  decodeGetHeaders,
  decodeHeaders,
  decodeInv,
  decodeSendCmpct,
  encodeGetHeaders,
  encodeHeaders,
} from './messages';
import { type DisconnectReason, Peer, type PeerHandler, type PeerState } from './peer';
import { PROTOCOL_VERSION } from './constants';
import { DEFAULT_HYGIENE, type HygieneConfig } from './hygiene/config';
import type { PeerEventSink } from './hygiene/peer-events';
import { type PeerHygieneFields, UpstreamHygiene } from './hygiene/upstream-hygiene';

export interface NodeAddress {
  readonly host: string;
  readonly port: number;
}

export interface TipEvent {
  readonly entry: ChainEntry;
  /** Arrival of the message that announced the block (the inv, when an inv started it). */
  readonly receivedAt: number;
  /**
   * False while catching up on history at startup: the block becomes /latest but is not pushed to
   * stream clients, who subscribed for new blocks, not for a replay of the chain.
   */
  readonly live: boolean;
  /** The peer that announced the block first (the inv's sender when an inv started it). */
  readonly peer: string;
}

// A type alias, not an interface, so it fits the index-signature shape of the shared health schema.
export type PeerInfo = {
  address: string;
  state: PeerState;
  version: number | null;
  userAgent: string | null;
  startHeight: number | null;
  rttMs: number | null;
  lastDisconnect: DisconnectReason | null;
  reconnectInMs: number | null;
} & PeerHygieneFields;

// Commands a node may send that carry nothing for a header relay; they are parsed by nobody.
const IGNORED = new Set([
  'addr',
  'addrv2',
  'tx',
  'feefilter',
  'notfound',
  'getaddr',
  'mempool',
  'getdata',
  'sendheaders',
  'wtxidrelay',
  'sendaddrv2',
  'blocktxn',
  'getblocktxn',
]);
/** Bitcoin Core's MAX_NUM_UNCONNECTING_HEADERS_MSGS. */
const MAX_UNCONNECTING = 10;

interface Slot {
  readonly node: NodeAddress;
  peer: Peer | null;
  timer: NodeJS.Timeout | null;
  reconnectAt: number | null;
  unconnecting: number;
  lastDisconnect: DisconnectReason | null;
}

export interface UpstreamOptions {
  readonly nodes: readonly NodeAddress[];
  readonly chain: HeaderChain;
  readonly log: Logger;
  readonly onTip: (event: TipEvent) => void;
  readonly keepAlive?: boolean;
  readonly hygiene?: HygieneConfig;
  readonly peerEvents?: PeerEventSink;
}

/**
 * Keeps one connection per configured node, reconnecting with backoff, and turns what they announce
 * into tip events. The first peer to deliver a block wins; later copies are already known.
 */
export class Upstream implements PeerHandler {
  private readonly slots: Slot[];
  private readonly hygiene: UpstreamHygiene;
  private synced = false;
  private stopped = false;

  constructor(private readonly opts: UpstreamOptions) {
    this.hygiene = new UpstreamHygiene(opts.hygiene ?? DEFAULT_HYGIENE, opts.log, opts.peerEvents);
    this.slots = opts.nodes.map((node) => ({
      node,
      peer: null,
      timer: null,
      reconnectAt: null,
      unconnecting: 0,
      lastDisconnect: null,
    }));
  }

  start(): void {
    for (const slot of this.slots) this.connect(slot);
  }

  stop(): void {
    this.stopped = true;
    this.hygiene.stop();
    for (const slot of this.slots) {
      if (slot.timer) clearTimeout(slot.timer);
      slot.peer?.close('SHUTDOWN', 'relay stopping');
    }
  }

  get state(): string {
    const states = this.slots.map((s) => s.peer?.state ?? 'disconnected');
    if (states.includes('ready')) return 'ready';
    if (states.includes('handshaking') || states.includes('connecting')) return 'connecting';
    return 'disconnected';
  }

  peers(): PeerInfo[] {
    return this.slots.map((s) => ({
      address: `${s.node.host}:${s.node.port}`,
      state: s.peer?.state ?? 'disconnected',
      version: s.peer?.remote ? s.peer.negotiatedVersion : null,
      userAgent: s.peer?.remote?.userAgent ?? null,
      startHeight: s.peer?.remote?.startHeight ?? null,
      rttMs: s.peer?.rttMs ?? null,
      lastDisconnect: s.lastDisconnect,
      reconnectInMs: s.reconnectAt === null ? null : Math.max(0, s.reconnectAt - Date.now()),
      ...this.hygiene.fields(`${s.node.host}:${s.node.port}`, s.peer),
    }));
  }

  private connect(slot: Slot): void {
    slot.timer = null;
    slot.reconnectAt = null;
    slot.unconnecting = 0;
    slot.peer = new Peer({
      host: slot.node.host,
      port: slot.node.port,
      params: this.opts.chain.params,
      handler: this,
      log: this.opts.log,
      startHeight: () => this.opts.chain.tip.height,
      keepAlive: this.opts.keepAlive,
      hygiene: this.hygiene.config,
    });
  }

  private slotOf(peer: Peer): Slot | undefined {
    return this.slots.find((s) => s.peer === peer);
  }

  onReady(peer: Peer): void {
    this.hygiene.onReady(peer);
    this.opts.log.info('peer ready', {
      peer: peer.address,
      version: peer.negotiatedVersion,
      userAgent: peer.remote?.userAgent,
      startHeight: peer.remote?.startHeight,
    });
    this.requestHeaders(peer);
  }

  onClose(peer: Peer, reason: DisconnectReason, wasReady: boolean): void {
    const slot = this.slotOf(peer);
    if (!slot) return;
    slot.lastDisconnect = reason;
    if (this.stopped) return;
    // Hygiene hook: logs, counts, bans a violator; the delay is the backoff or the ban, whichever is longer.
    const delay = this.hygiene.onClose(peer, reason, wasReady);
    slot.reconnectAt = Date.now() + delay;
    slot.timer = setTimeout(() => this.connect(slot), delay);
  }

  onMessage(peer: Peer, frame: Frame): void {
    switch (frame.command) {
      case 'headers':
        return this.onHeaders(peer, decodeHeaders(frame.payload), frame.receivedAt, true);
      case 'cmpctblock':
        return this.onHeaders(peer, [decodeCmpctBlockHeader(frame.payload)], frame.receivedAt, false);
      case 'block':
        return this.onHeaders(peer, [decodeBlock(frame.payload).header], frame.receivedAt, false);
      case 'inv':
        return this.onInv(peer, frame);
      case 'getheaders': {
        const req = decodeGetHeaders(frame.payload);
        peer.send('headers', encodeHeaders(this.opts.chain.headersAfter(req.locator, req.stop)));
        return;
      }
      case 'sendcmpct':
        decodeSendCmpct(frame.payload);
        return;
    }
    if (IGNORED.has(frame.command)) return;
    peer.ignoredCommands++;
    this.opts.log.debug('ignored unknown command', { peer: peer.address, command: frame.command });
  }

  private requestHeaders(peer: Peer): void {
    const locator = this.opts.chain.locator();
    peer.send('getheaders', encodeGetHeaders({ version: PROTOCOL_VERSION, locator, stop: ZERO_HASH }));
  }

  private onInv(peer: Peer, frame: Frame): void {
    let unknown = false;
    for (const e of decodeInv(frame.payload)) {
      if ((e.type & ~INV_WITNESS_FLAG) !== INV_BLOCK) continue;
      const hash = hashToHex(e.hash);
      if (this.opts.chain.has(hash)) {
        // Hygiene hook: a later copy of a block we have is this peer's lag. Unknown hashes count
        // only once their header proves them real (below, through pendingInv).
        if (this.synced) this.hygiene.announced(peer.address, hash, frame.receivedAt);
        continue;
      }
      unknown = true;
      // Hygiene hook: bounded pending-inv (the oldest is forgotten, not the whole set).
      if (!this.hygiene.pendingInv.has(hash)) {
        this.hygiene.pendingInv.set(hash, { at: frame.receivedAt, peer: peer.address });
      }
    }
    if (unknown) this.requestHeaders(peer);
  }

  private onHeaders(peer: Peer, headers: BlockHeader[], receivedAt: number, isHeadersMsg: boolean): void {
    const slot = this.slotOf(peer);
    if (!slot || headers.length === 0) {
      if (isHeadersMsg) this.markSynced();
      return;
    }
    for (let i = 1; i < headers.length; i++) {
      if (!headers[i]?.prevHash.equals(headers[i - 1]?.hashBytes ?? ZERO_HASH)) {
        throw new P2PProtocolError('NONCONTINUOUS_HEADERS', `header ${i} does not follow header ${i - 1}`);
      }
    }
    // A full batch means the peer has more: keep catching up silently until a short one arrives.
    const full = isHeadersMsg && headers.length === MAX_HEADERS_PER_MESSAGE;
    const live = this.synced && !full;
    let lastTip: ChainEntry | null = null;
    for (const header of headers) {
      const result = this.opts.chain.add(header);
      if (result.status === 'unconnected') {
        if (++slot.unconnecting > MAX_UNCONNECTING) {
          throw new P2PProtocolError(
            'UNCONNECTED_HEADERS',
            `${slot.unconnecting} headers that do not connect`,
          );
        }
        this.requestHeaders(peer);
        return;
      }
      // Hygiene hook: a live announcement, also of a block another peer already gave us (its lag);
      // an inv that announced it earlier counts from the inv's arrival.
      const inv = this.hygiene.pendingInv.get(header.hash);
      if (inv && result.status === 'tip') {
        this.hygiene.pendingInv.delete(header.hash);
        if (this.synced) this.hygiene.announced(inv.peer, header.hash, inv.at);
      }
      if (live) this.hygiene.announced(peer.address, header.hash, receivedAt);
      if (result.status !== 'tip') continue;
      const at = inv?.at ?? receivedAt;
      const first = this.hygiene.announcements.firstAnnouncer(header.hash) ?? peer.address;
      if (live) this.opts.onTip({ entry: result.entry, receivedAt: at, live, peer: first });
      else lastTip = result.entry;
    }
    slot.unconnecting = 0;
    if (lastTip) this.opts.onTip({ entry: lastTip, receivedAt, live: false, peer: peer.address });
    if (full) this.requestHeaders(peer);
    else if (isHeadersMsg) this.markSynced();
  }

  get isSynced(): boolean {
    return this.synced;
  }

  private markSynced(): void {
    if (this.synced) return;
    this.synced = true;
    this.opts.log.info('headers synced', {
      height: this.opts.chain.tip.height,
      hash: this.opts.chain.tip.header.hash,
    });
  }
}
