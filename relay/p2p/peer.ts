import net from 'node:net';
import { randomBytes } from 'node:crypto';
import type { Logger } from '../util/log';
import { nowMs } from '../util/clock';
import { P2PProtocolError } from '../wire/protocol-error';
import { type Frame, FrameParser, encodeFrame } from '../wire/framing';
import type { NetworkParams } from '../wire/constants';
import {
  MIN_PEER_PROTOCOL_VERSION,
  PROTOCOL_VERSION,
  SENDHEADERS_VERSION,
  SHORT_IDS_BLOCKS_VERSION,
} from '../wire/constants';
import { USER_AGENT } from '../wire/constants';
import { DEFAULT_HYGIENE, type HygieneConfig } from './hygiene/config';
import { PeerGuard } from './hygiene/peer-guard';
import { ReadBudget } from '../wire/read-budget';
import type { Violation } from './hygiene/violations';
import {
  NODE_WITNESS,
  type VersionMessage,
  decodeNonce,
  decodeVersion,
  encodeNonce,
  encodeSendCmpct,
  encodeVersion,
  ipv4Mapped,
} from '../wire/messages';

export type PeerState = 'connecting' | 'handshaking' | 'ready' | 'disconnected';

export interface DisconnectReason {
  /** A P2PErrorCode, or a transport/lifecycle code such as PEER_CLOSED or HANDSHAKE_TIMEOUT. */
  readonly code: string;
  readonly message: string;
  /** The peer broke the protocol or misbehaved past the threshold: grounds for a ban. */
  readonly violation: boolean;
}

export interface PeerHandler {
  onReady(peer: Peer): void;
  /** Post-handshake messages; throwing P2PProtocolError drops the peer with that code. */
  onMessage(peer: Peer, frame: Frame): void;
  onClose(peer: Peer, reason: DisconnectReason, wasReady: boolean): void;
}

export interface PeerOptions {
  readonly host: string;
  readonly port: number;
  readonly params: NetworkParams;
  readonly handler: PeerHandler;
  readonly log: Logger;
  readonly startHeight: () => number;
  readonly keepAlive?: boolean;
  readonly handshakeTimeoutMs?: number;
  readonly pingIntervalMs?: number;
  readonly hygiene?: HygieneConfig;
}

const READ_BUFFER_BYTES = 64 * 1024;
/** One peer's processing time per event-loop turn before its next read waits (read-budget.ts). */
const READ_BUDGET_MS = 4;
// Commands a 70016 peer may send between version and verack; anything else then is just ignored.
const HANDSHAKE_EXTRAS = new Set(['wtxidrelay', 'sendaddrv2']);

/**
 * One outbound connection to an upstream node: handshake, keepalive pings and framing. What the
 * messages mean for the chain is the handler's business; reconnecting is the owner's.
 */
export class Peer {
  state: PeerState = 'connecting';
  readonly address: string;
  remote: VersionMessage | null = null;
  negotiatedVersion = 0;
  rttMs: number | null = null;
  ignoredCommands = 0;
  lastReason: DisconnectReason | null = null;
  /** Rate limits, send-buffer cap and misbehaviour score of this connection. */
  readonly guard: PeerGuard;

  private readonly socket: net.Socket;
  private readonly parser: FrameParser;
  private readonly readBudget: ReadBudget;
  private readonly nonce = randomBytes(8).readBigUInt64LE();
  private gotVerack = false;
  private pingNonce: bigint | null = null;
  private pingSentAt = 0;
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(private readonly opts: PeerOptions) {
    const hygiene = opts.hygiene ?? DEFAULT_HYGIENE;
    this.address = `${opts.host}:${opts.port}`;
    const readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
    this.socket = net.connect({
      host: opts.host,
      port: opts.port,
      noDelay: true,
      // One reused read buffer (the parser copies out what it keeps): a peer streaming tens of MB
      // then leaves no garbage of 64 KB chunks behind for the GC to collect late.
      onread: {
        buffer: readBuffer,
        callback: (n) => {
          this.onData(readBuffer.subarray(0, n));
          return true;
        },
      },
    });
    this.guard = new PeerGuard(
      this.socket,
      hygiene,
      {
        address: this.address,
        isClosed: () => this.state === 'disconnected',
        drop: (v) => this.drop(v),
        deliver: (frame) => this.dispatchSafely(frame),
      },
      opts.log,
    );
    this.parser = new FrameParser(opts.params.magic, this.guard.gate);
    this.readBudget = new ReadBudget(this.socket, {
      budgetMs: READ_BUDGET_MS,
      mayResume: () => !this.guard.sendPaused && this.state !== 'disconnected',
    });
    if (opts.keepAlive) this.socket.setKeepAlive(true, 10_000);
    this.socket.on('connect', () => this.onConnect());
    this.socket.on('error', (err) => this.close('SOCKET_ERROR', err.message));
    this.socket.on('close', () => this.close('PEER_CLOSED', 'connection closed'));
    this.later(opts.handshakeTimeoutMs ?? 10_000, () => {
      if (this.state !== 'ready') this.close('HANDSHAKE_TIMEOUT', 'no verack in time');
    });
  }

  send(command: string, payload?: Buffer): void {
    if (this.state === 'disconnected') return;
    this.socket.write(encodeFrame(this.opts.params.magic, command, payload));
    this.guard.afterWrite();
  }

  private drop(v: Violation): void {
    const score = v.points > 0 ? ` (misbehaviour ${this.guard.misbehaviour.score})` : '';
    this.close(v.code, `${v.message}${score}`, true);
  }

  close(code: string, message: string, violation = false): void {
    if (this.state === 'disconnected') return;
    const wasReady = this.state === 'ready';
    this.state = 'disconnected';
    this.lastReason = { code, message, violation };
    for (const t of this.timers) clearTimeout(t);
    this.guard.dispose();
    this.socket.destroy();
    this.opts.handler.onClose(this, this.lastReason, wasReady);
  }

  private later(ms: number, fn: () => void, repeat = false): void {
    const t = repeat ? setInterval(fn, ms) : setTimeout(fn, ms);
    t.unref();
    this.timers.push(t);
  }

  private onConnect(): void {
    this.state = 'handshaking';
    const now = BigInt(Math.floor(Date.now() / 1000));
    const addr = { services: 0n, ip: ipv4Mapped(), port: 0 };
    this.send(
      'version',
      encodeVersion({
        version: PROTOCOL_VERSION,
        services: NODE_WITNESS,
        timestamp: now,
        addrRecv: { ...addr, port: this.opts.port },
        addrFrom: addr,
        nonce: this.nonce,
        userAgent: USER_AGENT,
        startHeight: this.opts.startHeight(),
        // We want block announcements only, not the mempool's transaction inventory.
        relay: false,
      }),
    );
  }

  private onData(chunk: Buffer): void {
    // Stamp arrival before any parsing so relay latency includes our own decode and validation.
    const receivedAt = nowMs();
    try {
      // Framing errors throw from here; message errors are caught per frame in dispatchSafely.
      this.parser.push(chunk, receivedAt, (frame) => this.guard.offer(frame));
    } catch (err) {
      this.fail(err);
    }
    if (this.state !== 'disconnected') this.readBudget.charge(nowMs() - receivedAt);
  }

  private dispatchSafely(frame: Frame): void {
    if (this.state === 'disconnected') return;
    try {
      this.dispatch(frame);
    } catch (err) {
      this.fail(err);
    }
  }

  private fail(err: unknown): void {
    if (err instanceof P2PProtocolError) {
      this.guard.protocolViolation(err);
      this.close(err.code, err.message, true);
    } else this.close('INTERNAL', err instanceof Error ? err.message : String(err));
  }

  private dispatch(frame: Frame): void {
    switch (frame.command) {
      case 'version':
        return this.onVersion(decodeVersion(frame.payload));
      case 'verack':
        if (!this.remote) return;
        this.gotVerack = true;
        return this.onHandshakeDone();
      case 'ping':
        return this.send('pong', encodeNonce(decodeNonce(frame.payload)));
      case 'pong': {
        const nonce = decodeNonce(frame.payload);
        if (nonce === this.pingNonce) {
          this.rttMs = nowMs() - this.pingSentAt;
          this.pingNonce = null;
        }
        return;
      }
    }
    if (this.state === 'ready') return this.opts.handler.onMessage(this, frame);
    if (!HANDSHAKE_EXTRAS.has(frame.command)) {
      this.opts.log.debug('ignored message before handshake', { peer: this.address, command: frame.command });
    }
  }

  private onVersion(v: VersionMessage): void {
    if (this.remote) throw new P2PProtocolError('DUPLICATE_VERSION', 'second version message');
    if (v.nonce === this.nonce) throw new P2PProtocolError('SELF_CONNECTION', 'connected to ourselves');
    if (v.version < MIN_PEER_PROTOCOL_VERSION) {
      throw new P2PProtocolError(
        'OBSOLETE_VERSION',
        `peer speaks ${v.version}, need ${MIN_PEER_PROTOCOL_VERSION}`,
      );
    }
    this.remote = v;
    this.negotiatedVersion = Math.min(PROTOCOL_VERSION, v.version);
    this.send('verack');
    this.onHandshakeDone();
  }

  private onHandshakeDone(): void {
    if (!this.remote || !this.gotVerack || this.state !== 'handshaking') return;
    this.state = 'ready';
    if (this.negotiatedVersion >= SENDHEADERS_VERSION) this.send('sendheaders');
    if (this.negotiatedVersion >= SHORT_IDS_BLOCKS_VERSION) {
      // BIP 152 high-bandwidth mode: the peer pushes cmpctblock before validating the full block.
      // Version 2 first (segwit; the only one current Core speaks), then 1 for older nodes.
      for (const version of [2n, 1n]) this.send('sendcmpct', encodeSendCmpct({ announce: true, version }));
    }
    this.later(this.opts.pingIntervalMs ?? 15_000, () => this.ping(), true);
    this.ping();
    this.opts.handler.onReady(this);
  }

  private ping(): void {
    if (this.pingNonce !== null && nowMs() - this.pingSentAt > 60_000) {
      this.close('PING_TIMEOUT', 'no pong within 60 s');
      return;
    }
    if (this.pingNonce !== null) return;
    this.pingNonce = randomBytes(8).readBigUInt64LE();
    this.pingSentAt = nowMs();
    this.send('ping', encodeNonce(this.pingNonce));
  }
}
