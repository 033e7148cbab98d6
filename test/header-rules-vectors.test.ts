import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BitcoinNetwork } from '../shared/relay-contract';
import { CHAIN_PARAMS } from '../relay/chain/params';
import { bitsFromTarget } from '../relay/chain/pow';
import {
  type Ancestry,
  checkHeaderRules,
  medianTimePast,
  requiredBits,
  retargetBits,
} from '../relay/chain/rules';
import { targetFromBits } from '../relay/wire/header';
import { codeOf } from '../relay/test-support/protocol-error-code';

/**
 * The header rules' test vectors shared by both relays: computed here from the TypeScript relay's
 * rules (relay/chain/rules.ts, params.ts) over deterministic inputs, checked in as
 * test/fixtures/header-rules-vectors.json, and read by the Go relay's own test
 * (relay/go/vectors_test.go). This test fails when the rules and the file disagree; after a
 * deliberate rule change, `UPDATE_HEADER_VECTORS=1 npx vitest run test/header-rules-vectors.test.ts`
 * rewrites the file (and the Go test then says whether the Go relay agrees).
 */
const FILE = path.join(import.meta.dirname, 'fixtures', 'header-rules-vectors.json');
const NETS: BitcoinNetwork[] = ['mainnet', 'testnet', 'signet', 'regtest'];
/** Networks whose parameters the file carries; testnet4's cases come from a generator of their own. */
const PARAM_NETS: BitcoinNetwork[] = [...NETS, 'testnet4'];

/** [height, time, bits] rows: exactly the ancestry a case may read (any other read throws). */
type Row = [number, number, number];

function ancestry(rows: Row[]): Ancestry {
  const byHeight = new Map(rows.map((r) => [r[0], r]));
  const row = (h: number): Row => {
    const r = byHeight.get(h);
    if (!r) throw new Error(`vector reads height ${h}, which its ancestry does not list`);
    return r;
  };
  return { timeAt: (h) => row(h)[1], bitsAt: (h) => row(h)[2] };
}

/** A small deterministic generator (LCG), so the file is the same on every run. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;

/**
 * testnet4 (BIP94), from a generator of its own so the other networks' vectors stay as they were:
 * a retarget from the period's first block's bits (a min-difficulty block at the period's end does
 * not drag the next one down), the 20-minute rule between retargets.
 */
function testnet4Required(): Array<{ network: string; height: number; time: number; ancestry: Row[] }> {
  const rnd = random(94);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const limit = CHAIN_PARAMS.testnet4.powLimitBits;
  const out: Array<{ network: string; height: number; time: number; ancestry: Row[] }> = [];
  for (let i = 0; i < 8; i++) {
    const height = int(1, 60) * 2016;
    const last = int(1_720_000_000, 1_750_000_000);
    const first = last - int(300_000, 3_000_000);
    const periodBits = [0x1c0fffff, 0x1b0404cb, 0x1d00ffff][i % 3]!;
    // Half of them end the period on a min-difficulty block: BIP94 still starts from periodBits.
    const lastBits = i % 2 === 0 ? limit : periodBits;
    const rows: Row[] = [
      [height - 2016, first, periodBits],
      [height - 1, last, lastBits],
    ];
    out.push({ network: 'testnet4', height, time: last + int(1, 900), ancestry: rows });
  }
  const start = 2016 * 40;
  const rows: Row[] = [];
  for (let h = start; h < start + 12; h++)
    rows.push([h, 1_730_000_000 + (h - start) * 600, h < start + 5 ? 0x1c0fffff : limit]);
  const prevTime = rows.at(-1)![1];
  for (const gap of [1201, 1200, 60])
    out.push({ network: 'testnet4', height: start + 12, time: prevTime + gap, ancestry: rows });
  return out;
}

/** testnet4's timewarp rule: a period's first block at most 600 s before its parent, with the bits it needs. */
function testnet4Rules(now: number) {
  const out: Array<{
    network: string;
    height: number;
    time: number;
    bits: string;
    hash: string;
    now: number;
    ancestry: Row[];
  }> = [];
  for (const [k, back] of [
    [12, 600],
    [13, 601],
    [14, 0],
    [15, 7200],
  ] as const) {
    const height = k * 2016;
    const parent = now - 20_000;
    const rows: Row[] = [[height - 2016, parent - 1_300_000, 0x1c0fffff]];
    for (let h = height - 11; h < height; h++) rows.push([h, parent - (height - 1 - h) * 600, 0x1c0fffff]);
    const time = parent - back;
    const bits = requiredBits(CHAIN_PARAMS.testnet4, height, time, ancestry(rows));
    out.push({
      network: 'testnet4',
      height,
      time,
      bits: hex(bits),
      hash: '00'.repeat(32),
      now,
      ancestry: rows,
    });
  }
  return out;
}

function generate() {
  const rnd = random(20261206);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const params = Object.fromEntries(
    PARAM_NETS.map((n) => {
      const p = CHAIN_PARAMS[n];
      return [
        n,
        {
          powLimitBits: hex(p.powLimitBits),
          retargetInterval: p.retargetInterval,
          targetTimespan: p.targetTimespan,
          targetSpacing: p.targetSpacing,
          noRetargeting: p.noRetargeting,
          allowMinDifficulty: p.allowMinDifficulty,
          minimumChainWork: p.minimumChainWork.toString(16),
          checkpoints: p.checkpoints.map((c) => ({ height: c.height, hash: c.hash })),
          bip94: p.bip94 ?? false,
        },
      ];
    }),
  );

  const someBits = [
    0x1d00ffff, 0x1c05a3f4, 0x1b0404cb, 0x1a05db8b, 0x17053894, 0x1c387f6f, 0x1e0377ae, 0x207fffff,
  ];
  const compact = someBits.map((bits) => ({
    bits: hex(bits),
    target: targetFromBits(bits).toString(16),
    compact: hex(bitsFromTarget(targetFromBits(bits))),
  }));
  for (let i = 0; i < 20; i++) {
    // Targets that are not a compact form already: GetCompact rounds the mantissa down.
    const target = (targetFromBits(someBits[i % 6]!) * BigInt(int(1, 1_000_000))) / 999_983n + 1n;
    compact.push({ bits: '', target: target.toString(16), compact: hex(bitsFromTarget(target)) });
  }

  const retarget: Array<Record<string, unknown>> = [
    [0x1d00ffff, 1261130161, 1262152739],
    [0x1d00ffff, 1231006505, 1233061996],
    [0x1c05a3f4, 1279008237, 1279297671],
    [0x1c387f6f, 1263163443, 1269211443],
  ].map(([lastBits, firstTime, lastTime]) => ({ network: 'mainnet', lastBits, firstTime, lastTime }));
  for (let i = 0; i < 40; i++) {
    const network = i % 3 === 0 ? 'signet' : 'mainnet';
    const firstTime = int(1_300_000_000, 1_700_000_000);
    const span = int(0, 14 * 24 * 3600 * 6);
    retarget.push({ network, lastBits: someBits[int(0, 5)], firstTime, lastTime: firstTime + span });
  }
  for (const v of retarget) {
    const p = CHAIN_PARAMS[v.network as BitcoinNetwork];
    v.want = hex(retargetBits(p, v.lastBits as number, v.firstTime as number, v.lastTime as number));
    v.lastBits = hex(v.lastBits as number);
  }

  const required: Array<{ network: string; height: number; time: number; ancestry: Row[]; want?: string }> =
    [];
  for (let i = 0; i < 24; i++) {
    const network = NETS[i % 4]!;
    const boundary = i % 2 === 0;
    const k = int(1, 400);
    const height = boundary ? k * 2016 : k * 2016 + int(1, 2015);
    // Never the pow limit itself here: testnet would walk back past the listed ancestry.
    const bits = network === 'signet' ? 0x1e0377ae : someBits[int(1, 4)]!;
    const last = int(1_400_000_000, 1_700_000_000);
    const rows: Row[] = [[height - 1, last, bits]];
    if (boundary) rows.push([height - 2016, last - int(200_000, 5_000_000), bits]);
    required.push({ network, height, time: last + int(1, 900), ancestry: rows });
  }
  // Testnet's 20-minute rule, and the walk back over min-difficulty blocks to the period's real bits.
  {
    const t = CHAIN_PARAMS.testnet;
    const start = 2016 * 300;
    const rows: Row[] = [];
    for (let h = start; h < start + 12; h++)
      rows.push([h, 1_600_000_000 + (h - start) * 600, h < start + 5 ? 0x1c0fffff : t.powLimitBits]);
    const height = start + 12;
    const prevTime = rows.at(-1)![1];
    required.push({ network: 'testnet', height, time: prevTime + 1201, ancestry: rows });
    required.push({ network: 'testnet', height, time: prevTime + 1200, ancestry: rows });
    required.push({ network: 'testnet', height, time: prevTime + 60, ancestry: rows });
  }
  required.push(...testnet4Required());
  for (const v of required) {
    const p = CHAIN_PARAMS[v.network as BitcoinNetwork];
    v.want = hex(requiredBits(p, v.height, v.time, ancestry(v.ancestry)));
  }

  const mtp: Array<{ height: number; ancestry: Row[]; want?: number }> = [];
  for (let i = 0; i < 20; i++) {
    const height = i < 4 ? [1, 2, 7, 10][i]! : int(11, 900_000);
    const rows: Row[] = [];
    for (let h = Math.max(0, height - 11); h < height; h++)
      rows.push([h, int(1_500_000_000, 1_500_010_000), 0x1d00ffff]);
    mtp.push({ height, ancestry: rows });
  }
  for (const v of mtp) v.want = medianTimePast(ancestry(v.ancestry), v.height);

  const rules: Array<{
    network: string;
    height: number;
    time: number;
    bits: string;
    hash: string;
    now: number;
    ancestry: Row[];
    code?: string | null;
  }> = [];
  const now = 1_750_000_000;
  for (let i = 0; i < 40; i++) {
    const network = NETS[i % 4]!;
    const p = CHAIN_PARAMS[network];
    const height = int(12, 2015) + 2016 * int(0, 100);
    const bits = network === 'regtest' ? 0x207fffff : network === 'signet' ? 0x1e0377ae : 0x1c0fffff;
    const rows: Row[] = [];
    for (let h = height - 11; h < height; h++) rows.push([h, now - 6000 + int(0, 4000), bits]);
    const sorted = rows.map((r) => r[1]).sort((a, b) => a - b);
    const median = sorted[5]!;
    const kind = i % 5;
    const time = [median, median + 1, now + 7200, now + 7201, now - 100][kind]!;
    const wrongBits = i % 7 === 3;
    rules.push({
      network,
      height,
      time,
      bits: hex(wrongBits ? bits - 1 : bits),
      hash: Buffer.from(Array.from({ length: 32 }, () => int(0, 255))).toString('hex'),
      now,
      ancestry: rows,
    });
    // Testnet at min difficulty only after 20 minutes: keep these inside the normal spacing.
    if (p.allowMinDifficulty) rules.at(-1)!.time = Math.min(rules.at(-1)!.time, rows.at(-1)![1] + 1200);
  }
  // Checkpoints: mainnet 11111 with its own hash passes, with another fails.
  for (const hash of [CHAIN_PARAMS.mainnet.checkpoints[0]!.hash, 'ff'.repeat(32)]) {
    const rows: Row[] = [];
    for (let h = 11100; h < 11111; h++) rows.push([h, 1_231_000_000 + (h - 11100) * 600, 0x1d00ffff]);
    rules.push({
      network: 'mainnet',
      height: 11111,
      time: 1_231_007_000,
      bits: hex(0x1d00ffff),
      hash,
      now,
      ancestry: rows,
    });
  }
  rules.push(...testnet4Rules(now));
  for (const v of rules) {
    const p = CHAIN_PARAMS[v.network as BitcoinNetwork];
    const facts = {
      height: v.height,
      time: v.time,
      bits: Number(v.bits),
      // Display hex in the file; the rules take wire order.
      hash: Buffer.from(v.hash, 'hex').reverse(),
    };
    v.code = codeOf(() => checkHeaderRules(p, facts, ancestry(v.ancestry), v.now)) ?? null;
  }

  return {
    comment:
      'Generated by test/header-rules-vectors.test.ts from relay/chain/rules.ts and params.ts; read by relay/go/vectors_test.go. Do not edit by hand.',
    params,
    compact,
    retarget,
    requiredBits: required,
    medianTimePast: mtp,
    headerRules: rules,
  };
}

describe('shared header-rule vectors (TypeScript relay -> test/fixtures -> Go relay)', () => {
  it('the checked-in file is what the TypeScript rules compute', () => {
    const fresh = JSON.stringify(generate(), null, 1) + '\n';
    if (process.env.UPDATE_HEADER_VECTORS) writeFileSync(FILE, fresh);
    const file = readFileSync(FILE, 'utf8');
    expect(JSON.parse(file)).toEqual(JSON.parse(fresh));
  });

  it('covers every rule outcome, so a relay that skips one fails the Go side', () => {
    const v = JSON.parse(readFileSync(FILE, 'utf8')) as { headerRules: Array<{ code: string | null }> };
    const codes = new Set(v.headerRules.map((r) => r.code));
    for (const code of [
      null,
      'BAD_DIFFICULTY',
      'TIME_TOO_OLD',
      'TIME_TOO_NEW',
      'CHECKPOINT_MISMATCH',
      'TIME_TIMEWARP',
    ])
      expect(codes, String(code)).toContain(code);
  });
});
