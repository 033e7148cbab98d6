import { describe, expect, it } from 'vitest';
import { cachedRegtestChain } from '../test-support/chain-gen';
import os from 'node:os';
import path from 'node:path';
import { HeaderChain } from './chain';
import { CHAIN_PARAMS, type ChainParams } from './params';
import { type Ancestry, checkHeaderRules, medianTimePast, requiredBits, retargetBits } from './rules';
import { bitsFromTarget } from './pow';
import { targetFromBits } from '../wire/header';
import { codeOf } from '../test-support/protocol-error-code';

const mainnet = CHAIN_PARAMS.mainnet;

function ancestry(times: number[], bits: number[]): Ancestry {
  return { timeAt: (h) => times[h] ?? NaN, bitsAt: (h) => bits[h] ?? NaN };
}

describe('difficulty retarget (real mainnet values, as in Bitcoin Core pow_tests)', () => {
  it('first real retarget, block 32256', () => {
    expect(retargetBits(mainnet, 0x1d00ffff, 1261130161, 1262152739)).toBe(0x1d00d86a);
  });
  it('stays at the pow limit when blocks were slow (block 2016)', () => {
    expect(retargetBits(mainnet, 0x1d00ffff, 1231006505, 1233061996)).toBe(0x1d00ffff);
  });
  it('clamps a too-fast period to 4x harder (block 68544)', () => {
    expect(retargetBits(mainnet, 0x1c05a3f4, 1279008237, 1279297671)).toBe(0x1c0168fd);
  });
  it('clamps a too-slow period to 4x easier', () => {
    expect(retargetBits(mainnet, 0x1c387f6f, 1263163443, 1269211443)).toBe(0x1d00e1fd);
  });
  it('GetCompact round-trips the targets it makes', () => {
    for (const bits of [0x1d00ffff, 0x1c0168fd, 0x1b0404cb, 0x207fffff, 0x17053894]) {
      expect(bitsFromTarget(targetFromBits(bits))).toBe(bits);
    }
  });
});

describe('header rules on synthetic chains', () => {
  const easy: ChainParams = {
    ...CHAIN_PARAMS.regtest,
    noRetargeting: false,
    allowMinDifficulty: false,
    retargetInterval: 16,
    targetTimespan: 16 * 600,
  };

  it('requires the previous bits inside a period and a retarget at its boundary', () => {
    const times = Array.from({ length: 16 }, (_, i) => 1_000_000 + i * 150); // 4x too fast
    const bits = Array.from({ length: 16 }, () => 0x1f00ffff);
    const anc = ancestry(times, bits);
    expect(requiredBits(easy, 15, 1_002_300, anc)).toBe(0x1f00ffff);
    const want = requiredBits(easy, 16, 1_002_400, anc);
    expect(targetFromBits(want)).toBeLessThan(targetFromBits(0x1f00ffff));
    expect(want).toBe(bitsFromTarget(targetFromBits(0x1f00ffff) / 4n));
    // Regtest never retargets.
    expect(requiredBits(CHAIN_PARAMS.regtest, 16, 0, anc)).toBe(0x1f00ffff);
  });

  it("testnet: 20 minutes after the last block allows min difficulty, else the period's real bits", () => {
    const t = CHAIN_PARAMS.testnet;
    const times = [0, 600, 1200, 1800 + 1201];
    const bits = [0x1c0fffff, 0x1c0fffff, 0x1c0fffff, t.powLimitBits];
    const anc = ancestry(times, bits);
    expect(requiredBits(t, 4, 3001 + 1201, anc)).toBe(t.powLimitBits);
    // Soon after a min-difficulty block: walk back to the last real difficulty.
    expect(requiredBits(t, 4, 3001 + 60, anc)).toBe(0x1c0fffff);
    // Mainnet has no such rule.
    expect(requiredBits(mainnet, 4, 9_999_999, anc)).toBe(t.powLimitBits);
  });

  it('median-time-past of 11 and the 2-hour future limit', () => {
    const times = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 5];
    const anc = ancestry(
      times,
      times.map(() => 0x207fffff),
    );
    expect(medianTimePast(anc, 12)).toBe(60);
    const facts = { height: 12, bits: 0x207fffff, hash: Buffer.alloc(32) };
    const regtest = CHAIN_PARAMS.regtest;
    expect(codeOf(() => checkHeaderRules(regtest, { ...facts, time: 60 }, anc, 1000))).toBe('TIME_TOO_OLD');
    expect(codeOf(() => checkHeaderRules(regtest, { ...facts, time: 61 }, anc, 1000))).toBeUndefined();
    expect(codeOf(() => checkHeaderRules(regtest, { ...facts, time: 1000 + 7201 }, anc, 1000))).toBe(
      'TIME_TOO_NEW',
    );
    expect(
      codeOf(() => checkHeaderRules(regtest, { ...facts, time: 1000 + 7200 }, anc, 1000)),
    ).toBeUndefined();
  });

  it('the chain applies the schedule: headers that skip a due retarget are refused', () => {
    const data = cachedRegtestChain(path.join(os.tmpdir(), 'sprint-chains'), 100);
    const chain = new HeaderChain(easy);
    const raws = Array.from({ length: 40 }, (_, i) => data.subarray((i + 1) * 80, (i + 2) * 80));
    // Height 16 retargets over genesis (2011) to block 15: slow, so it stays at the limit. Height 32
    // retargets over one-minute blocks against a ten-minute target: 4x harder, which these are not.
    expect(codeOf(() => chain.addHeaders(raws, 'p'))).toBe('BAD_DIFFICULTY');
    expect(chain.height).toBe(31);
  });

  it('is never synced below the minimum chain work', () => {
    const chain = new HeaderChain({ ...CHAIN_PARAMS.regtest, minimumChainWork: 1000n });
    expect(chain.hasMinimumWork).toBe(false);
    const real = new HeaderChain(mainnet);
    expect(real.hasMinimumWork).toBe(false);
  });
});
