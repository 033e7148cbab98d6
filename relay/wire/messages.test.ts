import { describe, expect, it, vi } from 'vitest';
import mainnet from '../../test/fixtures/mainnet-headers.json';
import { HeaderChain } from '../chain/chain';
import { CHAIN_PARAMS } from '../chain/params';
import { INV_BLOCK, PROTOCOL_VERSION } from './constants';
import { parseHeader } from './header';
import {
  decodeBlock,
  decodeCmpctBlockHeader,
  decodeGetHeaders,
  decodeHeaders,
  decodeInv,
  decodeSendCmpct,
  decodeVersion,
  encodeBlock,
  encodeCmpctBlock,
  encodeGetHeaders,
  encodeHeaders,
  encodeInv,
  encodeSendCmpct,
  encodeVersion,
  ipv4Mapped,
} from './messages';
import {
  DEFAULT_MINER_TAG,
  REGTEST_BITS,
  buildCoinbase,
  heightPush,
  mineNext,
  newMinerTag,
} from '../demo-peer/miner';
import { codeOf } from '../test-support/protocol-error-code';

const headers = mainnet.map((b) => parseHeader(Buffer.from(b.header, 'hex')));

describe('P2P message codecs', () => {
  it('round-trips version with our user agent and relay flag', () => {
    const v = {
      version: PROTOCOL_VERSION,
      services: 8n,
      timestamp: 1_700_000_000n,
      addrRecv: { services: 1n, ip: ipv4Mapped(10, 0, 0, 1), port: 18444 },
      addrFrom: { services: 0n, ip: ipv4Mapped(), port: 0 },
      nonce: 0xdeadbeefcafebaben,
      userAgent: '/SprintRelay:0.1.0/',
      startHeight: 812_345,
      relay: false,
    };
    const payload = encodeVersion(v);
    expect(payload.length).toBe(4 + 8 + 8 + 26 + 26 + 8 + 1 + 19 + 4 + 1);
    expect(decodeVersion(payload)).toEqual(v);
    expect(decodeVersion(payload.subarray(0, payload.length - 1)).relay).toBe(true);
    expect(codeOf(() => decodeVersion(payload.subarray(0, 50)))).toBe('TRUNCATED');
  });

  it('round-trips headers with a zero tx count after each header', () => {
    const payload = encodeHeaders(headers);
    expect(payload.length).toBe(1 + 3 * 81);
    expect(decodeHeaders(payload).map((h) => h.hash)).toEqual(mainnet.map((b) => b.hash));
    expect(codeOf(() => decodeHeaders(payload.subarray(0, 100)))).toBe('TRUNCATED');
    expect(codeOf(() => decodeHeaders(Buffer.concat([payload, Buffer.from([0])])))).toBe('MALFORMED');
    expect(codeOf(() => decodeHeaders(Buffer.from('fdd107', 'hex')))).toBe('MALFORMED'); // 2001 headers
  });

  it('round-trips getheaders, inv and sendcmpct', () => {
    const g = { version: PROTOCOL_VERSION, locator: headers.map((h) => h.hashBytes), stop: Buffer.alloc(32) };
    expect(decodeGetHeaders(encodeGetHeaders(g))).toEqual(g);
    const inv = [{ type: INV_BLOCK, hash: headers[1]?.hashBytes ?? Buffer.alloc(32) }];
    expect(decodeInv(encodeInv(inv))).toEqual(inv);
    expect(codeOf(() => decodeInv(encodeInv(inv).subarray(0, 20)))).toBe('TRUNCATED');
    expect(decodeSendCmpct(encodeSendCmpct({ announce: true, version: 1n }))).toEqual({
      announce: true,
      version: 1n,
    });
    expect(codeOf(() => decodeSendCmpct(Buffer.from('020100000000000000', 'hex')))).toBe('MALFORMED');
  });

  it('parses the header out of a compact block and a full block mined on regtest', () => {
    const chain = new HeaderChain(CHAIN_PARAMS.regtest);
    const mined = mineNext(chain);
    expect(chain.add(mined.header).status).toBe('tip');
    const cmpct = encodeCmpctBlock({
      header: mined.header.raw,
      nonce: 5n,
      shortIds: [Buffer.alloc(6, 1)],
      prefilled: [{ index: 0, tx: mined.coinbase }],
    });
    expect(decodeCmpctBlockHeader(cmpct).hash).toBe(mined.header.hash);
    expect(codeOf(() => decodeCmpctBlockHeader(cmpct.subarray(0, cmpct.length - 2)))).toBe('TRUNCATED');
    const block = encodeBlock(mined.header.raw, [mined.coinbase, buildCoinbase(99)]);
    expect(decodeBlock(block)).toMatchObject({ txCount: 2, header: { hash: mined.header.hash } });
    expect(codeOf(() => decodeBlock(encodeBlock(mined.header.raw, [])))).toBe('MALFORMED');
    expect(codeOf(() => decodeBlock(Buffer.concat([block, Buffer.from([1])])))).toBe('MALFORMED');
  });
});

describe('regtest miner', () => {
  it('encodes BIP 34 heights as Core does', () => {
    expect(heightPush(1).toString('hex')).toBe('51');
    expect(heightPush(16).toString('hex')).toBe('60');
    expect(heightPush(17).toString('hex')).toBe('0111');
    expect(heightPush(128).toString('hex')).toBe('028000');
    expect(heightPush(500_000).toString('hex')).toBe('0320a107');
  });

  it('mines a chain of valid, linked regtest blocks with rising median time', () => {
    const chain = new HeaderChain(CHAIN_PARAMS.regtest);
    for (let i = 1; i <= 30; i++) {
      const b = mineNext(chain);
      expect(b.height).toBe(i);
      expect(chain.add(b.header).status).toBe('tip');
    }
    expect(chain.tip.height).toBe(30);
  });

  it('two miners on the same parent in the same second build different blocks: their tags differ', () => {
    // Two demo peers mining from genesis within one second: the failure the Go relay's two-peer
    // test met (the "competing" chains shared their first blocks, so there was nothing to reorg).
    const now = vi.spyOn(Date, 'now').mockReturnValue(1_796_577_160_000);
    try {
      const sameTag = [0, 1].map(() => mineNext(new HeaderChain(CHAIN_PARAMS.regtest)).header.hash);
      expect(sameTag[0]).toBe(sameTag[1]);
      const tags = [newMinerTag(), newMinerTag()];
      expect(tags[0]?.equals(tags[1] ?? DEFAULT_MINER_TAG)).toBe(false);
      const blocks = tags.map((tag) => {
        const chain = new HeaderChain(CHAIN_PARAMS.regtest);
        const block = mineNext(chain, REGTEST_BITS, tag);
        expect(chain.add(block.header).status).toBe('tip');
        return block;
      });
      expect(blocks[0]?.header.hash).not.toBe(blocks[1]?.header.hash);
      expect(blocks[0]?.header.time).toBe(blocks[1]?.header.time);
      expect(blocks[0]?.coinbase.includes(tags[0] ?? DEFAULT_MINER_TAG)).toBe(true);
    } finally {
      now.mockRestore();
    }
    expect(() => buildCoinbase(1, Buffer.alloc(76))).toThrow(RangeError);
    expect(() => buildCoinbase(1, Buffer.alloc(0))).toThrow(RangeError);
    expect(buildCoinbase(1, Buffer.alloc(75)).length).toBeGreaterThan(75);
  });
});
