import { clockWarningText } from '../../shared/clock-offset';
import type { Logger } from '../util/log';
import type { HeaderChain } from '../chain/chain';
import { HeaderSync, type ReorgEvent, type TipEvent } from './header-sync';
import type { SyncInfo } from '../sync/progress';
import { INV_BLOCK, INV_WITNESS_FLAG } from '../wire/constants';
import type { Frame } from '../wire/framing';
import {
  decodeBlock,
  decodeCmpctBlockHeader,
  decodeGetHeaders,
  decodeInv,
  decodeRawHeaders,
  decodeSendCmpct,
  encodeRawHeaders,
} from '../wire/messages';
import { type DisconnectReason, Peer, type PeerHandler, type PeerState } from './peer';
import { DEFAULT_HYGIENE, type HygieneConfig } from './hygiene/config';
import type { PeerEventSink } from './hygiene/peer-events';
import { type PeerHygieneFields, UpstreamHygiene } from './hygiene/upstream-hygiene';

export type { ReorgEvent, TipEvent };

export interface NodeAddress {
  readonly host: string;
  readonly port: number;
}

// A type alias, not an interface, so it fits the index-signature shape of the shared health schema.
export type PeerInfo = {
  address: string;
  /** The connection state, or "syncing (height N)" for a node still in its own initial sync. */
  state: PeerState | string;
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

interface Slot {
  readonly node: NodeAddress;
  peer: Peer | null;
  timer: NodeJS.Timeout | null;
  reconnectAt: number | null;
  lastDisconnect: DisconnectReason | null;
}

export interface UpstreamOptions {
  readonly nodes: readonly NodeAddress[];
  readonly chain: HeaderChain;
  readonly log: Logger;
  readonly onTip: (event: TipEvent) => void;
  readonly onReorg?: (event: ReorgEvent) => void;
  readonly upstreamSyncRetryMs?: number;
  readonly keepAlive?: boolean;
  readonly hygiene?: HygieneConfig;
  readonly peerEvents?: PeerEventSink;
  readonly silenceMs?: number;
}

/**
 * Keeps one connection per configured node, reconnecting with backoff, and turns what they announce
 * into tip events. The first peer to deliver a block wins; later copies are already known.
 */
export class Upstream implements PeerHandler {
  private readonly slots: Slot[];
  private readonly hygiene: UpstreamHygiene;
  readonly sync: HeaderSync;
  private stopped = false;
  /** Each ready peer's clock minus ours (seconds), from its version message. */
  private readonly clockOffsets = new Map<string, number>();
  /** The clock warning last logged, so a change is logged once and a steady state never again. */
  private loggedClockWarning: string | null = null;

  constructor(private readonly opts: UpstreamOptions) {
    this.hygiene = new UpstreamHygiene(opts.hygiene ?? DEFAULT_HYGIENE, opts.log, opts.peerEvents);
    this.sync = new HeaderSync({
      chain: opts.chain,
      log: opts.log,
      onTip: opts.onTip,
      onReorg: opts.onReorg,
      upstreamSyncRetryMs: opts.upstreamSyncRetryMs,
      silenceMs: opts.silenceMs,
      // Hygiene hook: lead/lag per peer, who announced first, bounded pending inv.
      announcements: this.hygiene,
    });
    this.slots = opts.nodes.map((node) => ({
      node,
      peer: null,
      timer: null,
      reconnectAt: null,
      lastDisconnect: null,
    }));
  }

  start(): void {
    for (const slot of this.slots) this.connect(slot);
  }

  stop(): void {
    this.stopped = true;
    this.hygiene.stop();
    this.sync.stop();
    for (const slot of this.slots) {
      if (slot.timer) clearTimeout(slot.timer);
      slot.peer?.close('SHUTDOWN', 'relay stopping');
    }
  }

  get state(): string {
    const states = this.slots.map((s) => s.peer?.state ?? 'disconnected');
    // A node still in its own initial sync is connected but cannot tell us about new blocks.
    if (
      this.slots.some(
        (s) => s.peer?.state === 'ready' && this.sync.peerChainState(s.peer)?.startsWith('syncing') !== true,
      )
    ) {
      return 'ready';
    }
    if (states.includes('ready')) return 'waiting for upstream sync';
    if (states.includes('handshaking') || states.includes('connecting')) return 'connecting';
    return 'disconnected';
  }

  peers(): PeerInfo[] {
    return this.slots.map((s) => ({
      address: `${s.node.host}:${s.node.port}`,
      state: (s.peer && this.sync.peerChainState(s.peer)) ?? s.peer?.state ?? 'disconnected',
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
    if (peer.remote) this.clockOffsets.set(peer.address, Number(peer.remote.timestamp) - Date.now() / 1000);
    this.logClockChange();
    this.opts.log.info('peer ready', {
      peer: peer.address,
      version: peer.negotiatedVersion,
      userAgent: peer.remote?.userAgent,
      startHeight: peer.remote?.startHeight,
    });
    this.sync.attach(peer);
  }

  onClose(peer: Peer, reason: DisconnectReason, wasReady: boolean): void {
    const slot = this.slotOf(peer);
    if (!slot) return;
    this.sync.detach(peer);
    this.clockOffsets.delete(peer.address);
    this.logClockChange();
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
        return this.sync.onHeaders(peer, decodeRawHeaders(frame.payload), frame.receivedAt);
      case 'cmpctblock':
        return this.sync.onHeaders(
          peer,
          [decodeCmpctBlockHeader(frame.payload).raw],
          frame.receivedAt,
          false,
        );
      case 'block':
        return this.sync.onHeaders(peer, [decodeBlock(frame.payload).header.raw], frame.receivedAt, false);
      case 'inv': {
        const blocks = decodeInv(frame.payload)
          .filter((e) => (e.type & ~INV_WITNESS_FLAG) === INV_BLOCK)
          .map((e) => e.hash);
        return this.sync.onInv(peer, blocks, frame.receivedAt);
      }
      case 'getheaders': {
        const req = decodeGetHeaders(frame.payload);
        peer.send('headers', encodeRawHeaders(this.opts.chain.headersAfter(req.locator, req.stop)));
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

  get isSynced(): boolean {
    return this.sync.isSynced;
  }

  /**
   * The median of the peers' clocks against ours, as Core warns on it: past 70 minutes either way
   * headers are judged against the wrong "now" (a slow clock rejects new headers as future ones).
   */
  clockReport(): { peerOffsetSeconds: number | null; warning: string | null } {
    const offsets = [...this.clockOffsets.values()].sort((a, b) => a - b);
    if (offsets.length === 0) return { peerOffsetSeconds: null, warning: null };
    const mid = offsets.length >> 1;
    const median =
      offsets.length % 2
        ? (offsets[mid] as number)
        : ((offsets[mid - 1] as number) + (offsets[mid] as number)) / 2;
    return { peerOffsetSeconds: Math.round(median), warning: clockWarningText(median) };
  }

  /** Logs the clock warning once each time it changes (appears, changes, clears), not on each poll. */
  private logClockChange(): void {
    const { peerOffsetSeconds, warning } = this.clockReport();
    // With no peer left there is nothing to compare against: keep the last verdict until one returns.
    if (peerOffsetSeconds === null || warning === this.loggedClockWarning) return;
    const previous = this.loggedClockWarning;
    this.loggedClockWarning = warning;
    if (warning) this.opts.log.warn(warning, { peerOffsetSeconds, peers: this.clockOffsets.size });
    else if (previous) this.opts.log.info('local clock agrees with the peers again', { peerOffsetSeconds });
  }

  syncInfo(): SyncInfo {
    return this.sync.info();
  }
}
