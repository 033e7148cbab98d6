import { describe, expect, it } from 'vitest';
import { NETWORKS } from './constants';
import { P2PProtocolError } from './protocol-error';
import { type Frame, FrameParser, encodeFrame } from './framing';
import { encodeNonce } from './messages';

const magic = NETWORKS.regtest.magic;

function parseAll(chunks: Buffer[], parser = new FrameParser(magic)): Frame[] {
  const out: Frame[] = [];
  chunks.forEach((c, i) => parser.push(c, i, (f) => out.push(f)));
  return out;
}

function errorCode(chunks: Buffer[]): { code: string | undefined; frames: number } {
  const frames: Frame[] = [];
  const parser = new FrameParser(magic);
  try {
    for (const c of chunks) parser.push(c, 0, (f) => frames.push(f));
  } catch (err) {
    if (err instanceof P2PProtocolError) return { code: err.code, frames: frames.length };
    throw err;
  }
  return { code: undefined, frames: frames.length };
}

const ping = encodeFrame(magic, 'ping', encodeNonce(0x0102030405060708n));
const verack = encodeFrame(magic, 'verack');

describe('message framing', () => {
  it('encodes the documented layout: magic, NUL-padded command, LE length, double-SHA256 checksum', () => {
    expect(verack.toString('hex')).toBe('fabfb5da' + '76657261636b000000000000' + '00000000' + '5df6e0e2');
    expect(ping.readUInt32LE(16)).toBe(8);
    expect(ping.length).toBe(32);
  });

  it('round-trips frames of every size through the parser', () => {
    const big = encodeFrame(magic, 'block', Buffer.alloc(100_000, 7));
    const frames = parseAll([Buffer.concat([ping, verack, big])]);
    expect(frames.map((f) => f.command)).toEqual(['ping', 'verack', 'block']);
    expect(frames[0]?.payload.readBigUInt64LE()).toBe(0x0102030405060708n);
    expect(frames[2]?.payload.equals(Buffer.alloc(100_000, 7))).toBe(true);
  });

  it('reassembles frames split at every byte boundary and stamps the completing chunk', () => {
    const stream = Buffer.concat([ping, verack, ping]);
    const bytes = [...stream].map((b) => Buffer.from([b]));
    const frames = parseAll(bytes);
    expect(frames.map((f) => f.command)).toEqual(['ping', 'verack', 'ping']);
    expect(frames.map((f) => f.receivedAt)).toEqual([
      ping.length - 1,
      ping.length + verack.length - 1,
      stream.length - 1,
    ]);
  });

  it('emits a zero-length frame whose header ends exactly at a chunk boundary', () => {
    expect(parseAll([verack.subarray(0, 10), verack.subarray(10)]).length).toBe(1);
  });

  it('fails on bad magic as soon as four bytes are in, after delivering earlier frames', () => {
    const bad = Buffer.from(ping);
    bad[0] = 0xf9;
    expect(errorCode([Buffer.concat([verack, bad.subarray(0, 4)])])).toEqual({
      code: 'BAD_MAGIC',
      frames: 1,
    });
  });

  it('fails on a wrong checksum', () => {
    const bad = Buffer.from(ping);
    bad[23] = (bad[23] ?? 0) ^ 0xff;
    expect(errorCode([bad]).code).toBe('BAD_CHECKSUM');
    const flipped = Buffer.from(ping);
    flipped[30] = (flipped[30] ?? 0) ^ 1;
    expect(errorCode([flipped]).code).toBe('BAD_CHECKSUM');
  });

  it('refuses oversized lengths from the header alone, per command and protocol-wide', () => {
    const bigPing = Buffer.from(ping.subarray(0, 24));
    bigPing.writeUInt32LE(9, 16);
    expect(errorCode([bigPing]).code).toBe('OVERSIZED');
    const huge = Buffer.from(encodeFrame(magic, 'foo').subarray(0, 24));
    huge.writeUInt32LE(0xffffffff, 16);
    expect(errorCode([huge]).code).toBe('OVERSIZED');
    const headers = Buffer.from(encodeFrame(magic, 'headers').subarray(0, 24));
    headers.writeUInt32LE(200_000, 16);
    expect(errorCode([headers]).code).toBe('OVERSIZED');
  });

  it('refuses command fields that are not printable ASCII then NUL padding', () => {
    const bad = Buffer.from(verack);
    bad[4] = 0x01;
    expect(errorCode([bad]).code).toBe('BAD_COMMAND');
    const gap = Buffer.from(verack);
    gap[14] = 0x41; // a letter after the NUL padding started
    expect(errorCode([gap]).code).toBe('BAD_COMMAND');
  });

  it('stays failed after an error: a desynchronised stream cannot be trusted again', () => {
    const parser = new FrameParser(magic);
    const bad = Buffer.from(verack);
    bad[0] = 0;
    expect(() => parser.push(bad, 0, () => undefined)).toThrow(P2PProtocolError);
    expect(() => parser.push(verack, 0, () => undefined)).toThrow(/BAD_MAGIC/);
  });

  it('reports a frame begun but not finished', () => {
    const parser = new FrameParser(magic);
    parser.push(ping.subarray(0, 30), 0, () => undefined);
    expect(parser.pendingBytes).toBe(30);
  });
});

describe('frame gate (refusing a message from its header)', () => {
  function gated(refuse: string) {
    const skipped: Array<[string, number]> = [];
    const parser = new FrameParser(magic, {
      admit: (command) => command !== refuse,
      skipped: (command, length) => skipped.push([command, length]),
    });
    return { parser, skipped };
  }

  it('reads past a refused payload without buffering or checksumming it, in any chunking', () => {
    const refused = Buffer.from(encodeFrame(magic, 'inv', Buffer.alloc(50_000, 9)));
    refused[20] = (refused[20] ?? 0) ^ 0xff; // a wrong checksum proves it was never checked
    const stream = Buffer.concat([ping, refused, verack, encodeFrame(magic, 'inv'), ping]);
    for (const size of [1, 7, 24, 25, 4096, stream.length]) {
      const { parser, skipped } = gated('inv');
      const chunks: Buffer[] = [];
      for (let at = 0; at < stream.length; at += size) chunks.push(stream.subarray(at, at + size));
      const frames = parseAll(chunks, parser);
      expect(
        frames.map((f) => f.command),
        `chunks of ${size}`,
      ).toEqual(['ping', 'verack', 'ping']);
      expect(skipped).toEqual([
        ['inv', 50_000],
        ['inv', 0],
      ]);
      expect(parser.pendingBytes).toBe(0);
    }
  });

  it('still enforces the length limit before asking the gate', () => {
    const { parser, skipped } = gated('inv');
    const header = Buffer.from(encodeFrame(magic, 'inv').subarray(0, 24));
    header.writeUInt32LE(10_000_000, 16);
    expect(() => parser.push(header, 0, () => undefined)).toThrow(/OVERSIZED/);
    expect(skipped).toEqual([]);
  });
});
