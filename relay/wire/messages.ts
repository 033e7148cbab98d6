import { P2PProtocolError } from './protocol-error';
import { Reader, Writer } from './bytes';
import { type BlockHeader, readHeader } from './header';
import { MAX_HEADERS_PER_MESSAGE, MAX_INV_ENTRIES, MAX_LOCATOR_HASHES, MAX_MESSAGE_BYTES } from './constants';
import { skipTransaction } from './tx';

export interface NetAddr {
  readonly services: bigint;
  /** 16 bytes, IPv4 as ::ffff:a.b.c.d. */
  readonly ip: Buffer;
  readonly port: number;
}

export interface VersionMessage {
  readonly version: number;
  readonly services: bigint;
  readonly timestamp: bigint;
  readonly addrRecv: NetAddr;
  readonly addrFrom: NetAddr;
  readonly nonce: bigint;
  readonly userAgent: string;
  readonly startHeight: number;
  readonly relay: boolean;
}

export const NODE_NETWORK = 1n;
export const NODE_WITNESS = 8n;
const MAX_USER_AGENT = 256;

export function ipv4Mapped(a = 127, b = 0, c = 0, d = 1): Buffer {
  return Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, a, b, c, d]);
}

function writeNetAddr(w: Writer, a: NetAddr): void {
  w.u64le(a.services).push(a.ip).u16be(a.port);
}

function readNetAddr(r: Reader): NetAddr {
  return { services: r.u64le(), ip: Buffer.from(r.bytes(16)), port: r.u16be() };
}

export function encodeVersion(v: VersionMessage): Buffer {
  const w = new Writer().i32le(v.version).u64le(v.services).i64le(v.timestamp);
  writeNetAddr(w, v.addrRecv);
  writeNetAddr(w, v.addrFrom);
  return w
    .u64le(v.nonce)
    .varBytes(Buffer.from(v.userAgent, 'utf8'))
    .i32le(v.startHeight)
    .u8(v.relay ? 1 : 0)
    .toBuffer();
}

/** Trailing bytes are tolerated here only: later protocol versions may append fields to version. */
export function decodeVersion(payload: Buffer): VersionMessage {
  const r = new Reader(payload);
  const version = r.i32le();
  const services = r.u64le();
  const timestamp = r.i64le();
  const addrRecv = readNetAddr(r);
  const addrFrom = readNetAddr(r);
  const nonce = r.u64le();
  const userAgent = r.varBytes(MAX_USER_AGENT).toString('utf8');
  const startHeight = r.i32le();
  const relay = r.remaining > 0 ? r.u8() !== 0 : true;
  return { version, services, timestamp, addrRecv, addrFrom, nonce, userAgent, startHeight, relay };
}

export function encodeNonce(nonce: bigint): Buffer {
  return new Writer().u64le(nonce).toBuffer();
}

export function decodeNonce(payload: Buffer): bigint {
  const r = new Reader(payload);
  const nonce = r.u64le();
  r.end();
  return nonce;
}

export interface SendCmpct {
  readonly announce: boolean;
  readonly version: bigint;
}

export function encodeSendCmpct(s: SendCmpct): Buffer {
  return new Writer()
    .u8(s.announce ? 1 : 0)
    .u64le(s.version)
    .toBuffer();
}

export function decodeSendCmpct(payload: Buffer): SendCmpct {
  const r = new Reader(payload);
  const announce = r.u8();
  if (announce > 1) throw new P2PProtocolError('MALFORMED', `sendcmpct announce=${announce}`);
  const version = r.u64le();
  r.end();
  return { announce: announce === 1, version };
}

export interface GetHeaders {
  readonly version: number;
  /** Wire-order hashes, newest first. */
  readonly locator: Buffer[];
  readonly stop: Buffer;
}

export function encodeGetHeaders(g: GetHeaders): Buffer {
  const w = new Writer().u32le(g.version).varint(g.locator.length);
  for (const h of g.locator) w.push(h);
  return w.push(g.stop).toBuffer();
}

export function decodeGetHeaders(payload: Buffer): GetHeaders {
  const r = new Reader(payload);
  const version = r.u32le();
  const count = r.varint(MAX_LOCATOR_HASHES);
  const locator: Buffer[] = [];
  for (let i = 0; i < count; i++) locator.push(Buffer.from(r.bytes(32)));
  const stop = Buffer.from(r.bytes(32));
  r.end();
  return { version, locator, stop };
}

export function encodeHeaders(headers: readonly { raw: Buffer }[]): Buffer {
  const w = new Writer().varint(headers.length);
  for (const h of headers) w.push(h.raw).varint(0);
  return w.toBuffer();
}

/** The same bytes from raw 80-byte headers, without building header objects (serving at scale). */
export function encodeRawHeaders(raws: readonly Uint8Array[]): Buffer {
  const head = new Writer().varint(raws.length).toBuffer();
  const out = Buffer.allocUnsafe(head.length + raws.length * 81);
  head.copy(out, 0);
  let at = head.length;
  for (const raw of raws) {
    out.set(raw, at);
    out[at + 80] = 0;
    at += 81;
  }
  return out;
}

/**
 * headers as zero-copy 80-byte views into the payload: the sync path hashes and stores them without
 * an object or hex string per header. Same checks as decodeHeaders.
 */
export function decodeRawHeaders(payload: Buffer): Buffer[] {
  const r = new Reader(payload);
  const count = r.varint(MAX_HEADERS_PER_MESSAGE);
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    out.push(r.bytes(80));
    r.varint();
  }
  r.end();
  return out;
}

export function decodeHeaders(payload: Buffer): BlockHeader[] {
  const r = new Reader(payload);
  const count = r.varint(MAX_HEADERS_PER_MESSAGE);
  const out: BlockHeader[] = [];
  for (let i = 0; i < count; i++) {
    out.push(readHeader(r));
    // A headers message carries no transactions; Core reads the count and ignores it.
    r.varint();
  }
  r.end();
  return out;
}

export interface InvEntry {
  readonly type: number;
  readonly hash: Buffer;
}

export function encodeInv(entries: readonly InvEntry[]): Buffer {
  const w = new Writer().varint(entries.length);
  for (const e of entries) w.u32le(e.type).push(e.hash);
  return w.toBuffer();
}

/** inv, getdata and notfound share this shape. */
export function decodeInv(payload: Buffer): InvEntry[] {
  const r = new Reader(payload);
  const count = r.varint(MAX_INV_ENTRIES);
  const out: InvEntry[] = [];
  for (let i = 0; i < count; i++) out.push({ type: r.u32le(), hash: Buffer.from(r.bytes(32)) });
  r.end();
  return out;
}

export interface CmpctBlockParts {
  readonly header: Buffer;
  readonly nonce: bigint;
  /** 6-byte short transaction ids (BIP 152). */
  readonly shortIds: Buffer[];
  /** Raw serialized transactions with their absolute indexes. */
  readonly prefilled: { index: number; tx: Buffer }[];
}

export function encodeCmpctBlock(c: CmpctBlockParts): Buffer {
  const w = new Writer().push(c.header).u64le(c.nonce).varint(c.shortIds.length);
  for (const id of c.shortIds) w.push(id);
  w.varint(c.prefilled.length);
  let last = -1;
  for (const p of c.prefilled) {
    // BIP 152 differential encoding: each index is stored as the gap from the previous one.
    w.varint(p.index - last - 1).push(p.tx);
    last = p.index;
  }
  return w.toBuffer();
}

/**
 * The relay only needs the header, but walks the whole message so a corrupt one is caught and the
 * peer dropped, instead of trusting a header that came wrapped in garbage.
 */
export function decodeCmpctBlockHeader(payload: Buffer): BlockHeader {
  const r = new Reader(payload);
  const header = readHeader(r);
  r.skip(8); // nonce
  const shortIds = r.varint(MAX_MESSAGE_BYTES / 6);
  r.skip(shortIds * 6);
  const prefilled = r.varint(MAX_MESSAGE_BYTES / 60);
  let index = -1;
  for (let i = 0; i < prefilled; i++) {
    index += r.varint(0xffff) + 1;
    if (index > 0xffff) throw new P2PProtocolError('MALFORMED', 'prefilled index overflow');
    skipTransaction(r);
  }
  r.end();
  return header;
}

export function encodeBlock(header: Buffer, txs: readonly Buffer[]): Buffer {
  const w = new Writer().push(header).varint(txs.length);
  for (const tx of txs) w.push(tx);
  return w.toBuffer();
}

export function decodeBlock(payload: Buffer): { header: BlockHeader; txCount: number } {
  const r = new Reader(payload);
  const header = readHeader(r);
  const txCount = r.varint(MAX_MESSAGE_BYTES / 60);
  if (txCount === 0) throw new P2PProtocolError('MALFORMED', 'block without transactions');
  for (let i = 0; i < txCount; i++) skipTransaction(r);
  r.end();
  return { header, txCount };
}
