import { describe, expect, it } from 'vitest';
import mainnet from '../../test/fixtures/mainnet-headers.json';
import { HeaderChain } from '../chain/chain';
import { CHAIN_PARAMS } from '../chain/params';
import { NETWORKS } from './constants';
import { checkProofOfWork, parseHeader, serializeHeader, targetFromBits } from './header';
import { ZERO_HASH } from './bytes';
import { codeOf } from '../test-support/protocol-error-code';

const mainnetLimit = targetFromBits(NETWORKS.mainnet.powLimitBits);
const headers = mainnet.map((b) => parseHeader(Buffer.from(b.header, 'hex')));

describe('block header', () => {
  it('hashes real mainnet headers 0-2 to their known hashes and they meet their targets', () => {
    headers.forEach((h, i) => {
      expect(h.hash).toBe(mainnet[i]?.hash);
      expect(() => checkProofOfWork(h, mainnetLimit)).not.toThrow();
    });
    expect(headers[1]?.time).toBe(1231469665);
    expect(headers[2]?.nonce).toBe(1639830024);
    expect(headers[1]?.bits).toBe(0x1d00ffff);
  });

  it('serialises the fields back to the exact 80 bytes', () => {
    for (const h of headers) expect(serializeHeader(h).equals(h.raw)).toBe(true);
  });

  it('rejects a tampered header (one nonce bit) as BAD_POW', () => {
    const raw = Buffer.from(mainnet[1]?.header ?? '', 'hex');
    raw[76] = (raw[76] ?? 0) ^ 1;
    expect(codeOf(() => checkProofOfWork(parseHeader(raw), mainnetLimit))).toBe('BAD_POW');
  });

  it('rejects an easier target than the network allows even with valid work for it', () => {
    const regtest = new HeaderChain(CHAIN_PARAMS.regtest).tip.header;
    expect(codeOf(() => checkProofOfWork(regtest, mainnetLimit))).toBe('BAD_BITS');
  });

  it("expands compact bits like Core's SetCompact", () => {
    expect(targetFromBits(0x1d00ffff)).toBe(0xffffn << 208n);
    expect(targetFromBits(0x01123456)).toBe(0x12n);
    expect(targetFromBits(0x02008000)).toBe(0x80n);
    expect(targetFromBits(0x05009234)).toBe(0x92340000n);
    expect(targetFromBits(0x04123456)).toBe(0x12345600n);
    expect(targetFromBits(0x207fffff)).toBe(0x7fffffn << 232n);
  });

  it('refuses bits with the sign bit, overflow, or a zero target', () => {
    expect(codeOf(() => targetFromBits(0x04923456))).toBe('BAD_BITS');
    expect(codeOf(() => targetFromBits(0x1d80ffff))).toBe('BAD_BITS');
    expect(codeOf(() => targetFromBits(0xff123456))).toBe('BAD_BITS');
    expect(codeOf(() => targetFromBits(0x22010000))).toBe('BAD_BITS');
    expect(codeOf(() => targetFromBits(0x01003456))).toBe('BAD_BITS');
    expect(codeOf(() => targetFromBits(0))).toBe('BAD_BITS');
  });
});

describe('header chain', () => {
  it('starts every network at its real genesis', () => {
    for (const params of Object.values(CHAIN_PARAMS)) {
      const chain = new HeaderChain(params);
      expect(chain.tip.header.hash).toBe(params.genesisHash);
      expect(chain.tip.height).toBe(0);
    }
    expect(NETWORKS.regtest.genesisHash).toBe(
      '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206',
    );
  });

  it('links mainnet blocks 1 and 2 and tracks height', () => {
    const chain = new HeaderChain(CHAIN_PARAMS.mainnet);
    const [, b1, b2] = headers;
    if (!b1 || !b2) throw new Error('fixture');
    expect(chain.add(b2).status).toBe('unconnected');
    expect(chain.add(b1)).toMatchObject({ status: 'tip', entry: { height: 1 } });
    expect(chain.add(b2)).toMatchObject({ status: 'tip', entry: { height: 2 } });
    expect(chain.add(b2).status).toBe('known');
    expect(chain.tip.header.hash).toBe(mainnet[2]?.hash);
    expect(chain.locator().map((h) => h.toString('hex'))).toEqual(
      [b2, b1, headers[0]].map((h) => h?.hashBytes.toString('hex')),
    );
    expect(
      chain.headersAfter([headers[0]?.hashBytes ?? ZERO_HASH], ZERO_HASH).map((h) => parseHeader(h).hash),
    ).toEqual([b1.hash, b2.hash]);
    expect(chain.headersAfter([b1.hashBytes], ZERO_HASH).map((h) => parseHeader(h).hash)).toEqual([b2.hash]);
  });

  it('validates proof of work before linking', () => {
    const chain = new HeaderChain(CHAIN_PARAMS.mainnet);
    const raw = Buffer.from(mainnet[1]?.header ?? '', 'hex');
    raw[0] = 2; // any change breaks the work
    expect(codeOf(() => chain.add(parseHeader(raw)))).toBe('BAD_POW');
    expect(chain.tip.height).toBe(0);
  });
});
