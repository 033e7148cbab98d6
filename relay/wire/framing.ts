import { NETWORKS } from './constants';
import { P2PProtocolError } from './protocol-error';
import { sha256d } from './bytes';
import { MAX_HEADERS_PER_MESSAGE, MAX_INV_ENTRIES, MAX_LOCATOR_HASHES, MAX_MESSAGE_BYTES } from './constants';

export const FRAME_HEADER_BYTES = 24;
const COMMAND_BYTES = 12;

export interface Frame {
  readonly command: string;
  readonly payload: Buffer;
  /** Wall-clock ms (µs resolution) of the TCP read that completed this frame. */
  readonly receivedAt: number;
}

/**
 * Largest payload we accept per command. Checked against the length field before buffering, so a
 * peer claiming a 4 GB ping cannot make us allocate it. Commands we never parse still get the
 * protocol-wide cap.
 */
const PAYLOAD_LIMITS: Readonly<Record<string, number>> = {
  version: 1024,
  verack: 0,
  sendheaders: 0,
  wtxidrelay: 0,
  sendaddrv2: 0,
  getaddr: 0,
  mempool: 0,
  ping: 8,
  pong: 8,
  feefilter: 8,
  sendcmpct: 9,
  getheaders: 4 + 3 + MAX_LOCATOR_HASHES * 32 + 32,
  // Each header is followed by a tx-count varint that should be 0 but may take up to 9 bytes.
  headers: 9 + MAX_HEADERS_PER_MESSAGE * (80 + 9),
  inv: 9 + MAX_INV_ENTRIES * 36,
  getdata: 9 + MAX_INV_ENTRIES * 36,
  notfound: 9 + MAX_INV_ENTRIES * 36,
};

export function payloadLimit(command: string): number {
  return PAYLOAD_LIMITS[command] ?? MAX_MESSAGE_BYTES;
}

export function checksum(payload: Uint8Array): Buffer {
  return sha256d(payload).subarray(0, 4);
}

export function encodeFrame(magic: Buffer, command: string, payload: Buffer = Buffer.alloc(0)): Buffer {
  if (command.length > COMMAND_BYTES || !/^[\x20-\x7e]*$/.test(command)) {
    throw new RangeError(`invalid command name: ${command}`);
  }
  const frame = Buffer.alloc(FRAME_HEADER_BYTES + payload.length);
  magic.copy(frame, 0);
  frame.write(command, 4, 'ascii');
  frame.writeUInt32LE(payload.length, 16);
  checksum(payload).copy(frame, 20);
  payload.copy(frame, FRAME_HEADER_BYTES);
  return frame;
}

/** Core's rule: printable ASCII, then NUL padding only. */
function decodeCommand(field: Buffer): string {
  let end = field.indexOf(0);
  if (end === -1) end = COMMAND_BYTES;
  for (let i = 0; i < COMMAND_BYTES; i++) {
    const c = field[i] ?? 0;
    if (i < end ? c < 0x20 || c > 0x7e : c !== 0) {
      throw new P2PProtocolError('BAD_COMMAND', `invalid command bytes ${field.toString('hex')}`);
    }
  }
  return field.toString('ascii', 0, end);
}

/**
 * Lets the owner refuse a message from its header alone (command and length), before its payload is
 * buffered: a refused payload is read past without being stored or checksummed, so a flood of large
 * messages the owner would discard anyway costs no memory.
 */
export interface FrameGate {
  admit(command: string, length: number): boolean;
  /** Called once the refused payload has been read past. */
  skipped(command: string, length: number): void;
}

/**
 * Incremental frame decoder for one TCP stream. Bytes may arrive split anywhere, several frames per
 * chunk. The header is accumulated into a fixed 24-byte buffer and the payload straight into a buffer
 * of the announced size, so a large block arriving in many chunks is copied once, not re-concatenated.
 * After an error the stream cannot be resynchronised, so the parser stays failed.
 */
export class FrameParser {
  private readonly header = Buffer.alloc(FRAME_HEADER_BYTES);
  private headerFill = 0;
  private command = '';
  private payload: Buffer | null = null;
  private payloadFill = 0;
  /** Bytes of a refused payload still to read past; -1 when not skipping. */
  private skipLeft = -1;
  private skipLength = 0;
  private failed: P2PProtocolError | null = null;

  constructor(
    private readonly magic: Buffer,
    private readonly gate?: FrameGate,
  ) {}

  /** Calls `onFrame` for each complete frame, in order; throws at the first protocol error. */
  push(chunk: Buffer, receivedAt: number, onFrame: (frame: Frame) => void): void {
    if (this.failed) throw this.failed;
    try {
      this.consume(chunk, receivedAt, onFrame);
    } catch (err) {
      if (err instanceof P2PProtocolError) this.failed = err;
      throw err;
    }
  }

  /** Bytes of a frame begun but not finished: a peer that closes mid-frame is not a protocol error. */
  get pendingBytes(): number {
    return this.headerFill + this.payloadFill + Math.max(0, this.skipLeft);
  }

  private consume(chunk: Buffer, receivedAt: number, onFrame: (frame: Frame) => void): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.payload === null && this.skipLeft < 0) {
        const n = Math.min(FRAME_HEADER_BYTES - this.headerFill, chunk.length - at);
        chunk.copy(this.header, this.headerFill, at, at + n);
        const before = this.headerFill;
        this.headerFill += n;
        at += n;
        // Fail on the magic as soon as it is complete rather than waiting for a full header.
        if (before < 4 && this.headerFill >= 4 && this.header.compare(this.magic, 0, 4, 0, 4) !== 0) {
          throw new P2PProtocolError('BAD_MAGIC', magicMismatch(this.header.subarray(0, 4), this.magic));
        }
        if (this.headerFill < FRAME_HEADER_BYTES) return;
        this.startPayload();
      }
      if (this.skipLeft >= 0) {
        const n = Math.min(this.skipLeft, chunk.length - at);
        this.skipLeft -= n;
        at += n;
        if (this.skipLeft > 0) return;
        this.skipLeft = -1;
        this.headerFill = 0;
        this.gate?.skipped(this.command, this.skipLength);
        continue;
      }
      const payload = this.payload;
      if (payload === null) continue;
      const n = Math.min(payload.length - this.payloadFill, chunk.length - at);
      chunk.copy(payload, this.payloadFill, at, at + n);
      this.payloadFill += n;
      at += n;
      if (this.payloadFill === payload.length) {
        if (checksum(payload).compare(this.header, 20, 24) !== 0) {
          throw new P2PProtocolError('BAD_CHECKSUM', `${this.command} payload checksum mismatch`);
        }
        const command = this.command;
        this.headerFill = 0;
        this.payload = null;
        this.payloadFill = 0;
        onFrame({ command, payload, receivedAt });
      }
    }
  }

  private startPayload(): void {
    this.command = decodeCommand(this.header.subarray(4, 16));
    const length = this.header.readUInt32LE(16);
    const limit = payloadLimit(this.command);
    if (length > limit) {
      throw new P2PProtocolError(
        'OVERSIZED',
        `${this.command || '(empty)'} claims ${length} bytes, limit ${limit}`,
      );
    }
    if (this.gate && !this.gate.admit(this.command, length)) {
      this.skipLeft = length;
      this.skipLength = length;
      return;
    }
    this.payload = Buffer.allocUnsafe(length);
    this.payloadFill = 0;
  }
}

/**
 * A wrong network names both: "peer speaks testnet4 (magic 1c163f28), this relay is set to testnet
 * (0b110907)". Most magic mismatches are a node of another network, not a hostile peer.
 */
export function magicMismatch(got: Buffer, want: Buffer): string {
  const name = (m: Buffer): string | undefined =>
    Object.values(NETWORKS).find((n) => n.magic.equals(m))?.name;
  const ours = name(want) ?? 'this network';
  const theirs = name(got);
  return theirs
    ? `peer speaks ${theirs} (magic ${got.toString('hex')}), this relay is set to ${ours} (${want.toString('hex')}): set BITCOIN_NETWORK to the node's network or point BITCOIN_NODE at a ${ours} node`
    : `got magic ${got.toString('hex')}, which is no known network; this relay is set to ${ours} (${want.toString('hex')})`;
}
