import { describe, expect, it } from 'vitest';
import { HeaderChain } from './chain';
import { CHAIN_PARAMS } from './params';
import { type Ancestry, checkHeaderRules, requiredBits } from './rules';
import { codeOf } from '../test-support/protocol-error-code';
import { magicMismatch } from '../wire/framing';
import { NETWORKS } from '../wire/constants';

const testnet4 = CHAIN_PARAMS.testnet4;
const testnet3 = CHAIN_PARAMS.testnet;
const MIN = 0x1d00ffff;
const REAL = 0x1c0168fd; // a "real" difficulty, 182x the minimum
const T0 = 1_714_777_860;

/**
 * A period 2016..4031 whose blocks carry REAL bits every 600 s, except `minAtEnd` trailing blocks
 * mined at minimum difficulty after a 20-minute gap (the testnet exception), then block 4032.
 */
function period(minAtEnd: number): { anc: Ancestry; times: number[] } {
  const times: number[] = [];
  const bits: number[] = [];
  for (let h = 0; h < 4032; h++) {
    times[h] = T0 + h * 600;
    bits[h] = h < 2016 ? MIN : REAL;
  }
  for (let h = 4032 - minAtEnd; h < 4032; h++) {
    times[h] = (times[h - 1] as number) + 1201;
    bits[h] = MIN;
  }
  return { anc: { timeAt: (h) => times[h] ?? NaN, bitsAt: (h) => bits[h] ?? NaN }, times };
}

describe('testnet4 parameters (Bitcoin Core chainparams)', () => {
  it('genesis, magic, port and minimum chain work', () => {
    const chain = new HeaderChain(testnet4);
    expect(chain.tip.header.hash).toBe('00000000da84f2bafbbc53dee25a72ae507ff4914b867c565be350b0da8bf043');
    expect(chain.tip.header.time).toBe(1714777860);
    expect(NETWORKS.testnet4.magic.toString('hex')).toBe('1c163f28');
    expect(NETWORKS.testnet4.defaultPort).toBe(48333);
    expect(testnet4.minimumChainWork).toBe(0x34a4690fe592dc49c7cn);
    expect(chain.hasMinimumWork).toBe(false);
  });

  it('a magic mismatch names both networks and what to change', () => {
    expect(magicMismatch(NETWORKS.testnet4.magic, NETWORKS.testnet.magic)).toBe(
      "peer speaks testnet4 (magic 1c163f28), this relay is set to testnet (0b110907): set BITCOIN_NETWORK to the node's network or point BITCOIN_NODE at a testnet node",
    );
    expect(magicMismatch(Buffer.from('deadbeef', 'hex'), NETWORKS.mainnet.magic)).toMatch(
      /deadbeef, which is no known network; this relay is set to mainnet/,
    );
  });
});

describe('BIP94 difficulty vectors', () => {
  it('a retarget starts from the first block of the period, not a min-difficulty last block', () => {
    const { anc } = period(1);
    const t = T0 + 4032 * 600;
    const bip94 = requiredBits(testnet4, 4032, t, anc);
    const legacy = requiredBits(testnet3, 4032, t, anc);
    // testnet3 retargets from the last block's minimum bits: the period stays at minimum difficulty.
    expect(legacy).toBe(MIN);
    // testnet4 retargets from REAL (the first block's); the period took two weeks and one second,
    // too little to move the compact mantissa (92,413 x 1,209,601 / 1,209,600), so it stays REAL.
    expect(bip94).toBe(REAL);
  });

  it('an all-real period retargets the same under both rules', () => {
    const { anc } = period(0);
    const t = T0 + 4032 * 600;
    expect(requiredBits(testnet4, 4032, t, anc)).toBe(requiredBits(testnet3, 4032, t, anc));
  });

  it('still allows a min-difficulty block after 20 minutes inside a period', () => {
    const { anc, times } = period(0);
    expect(requiredBits(testnet4, 4031, (times[4030] as number) + 1201, anc)).toBe(MIN);
    expect(requiredBits(testnet4, 4031, (times[4030] as number) + 1200, anc)).toBe(REAL);
  });

  it("timewarp: a period's first block may be at most 600 s before its parent", () => {
    const { anc, times } = period(0);
    const prev = times[4031] as number;
    const header = (time: number) => ({
      height: 4032,
      time,
      bits: requiredBits(testnet4, 4032, time, anc),
      hash: Buffer.alloc(32),
    });
    const now = prev + 10_000;
    expect(codeOf(() => checkHeaderRules(testnet4, header(prev - 600), anc, now))).toBeUndefined();
    expect(codeOf(() => checkHeaderRules(testnet4, header(prev - 601), anc, now))).toBe('TIME_TIMEWARP');
    // Not a testnet3 rule; elsewhere in a period BIP94 does not apply.
    expect(codeOf(() => checkHeaderRules(testnet3, header(prev - 601), anc, now))).toBeUndefined();
  });
});
