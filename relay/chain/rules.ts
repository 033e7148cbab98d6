import { hashToHex } from '../wire/bytes';
import { P2PProtocolError } from '../wire/protocol-error';
import { targetFromBits } from '../wire/header';
import type { ChainParams } from './params';
import { bitsFromTarget } from './pow';

/** The headers before the one being judged, on its own branch (main chain or a side branch). */
export interface Ancestry {
  timeAt(height: number): number;
  bitsAt(height: number): number;
}

/** BIP94's MAX_TIMEWARP: how much earlier than its parent a period's first block may be. */
export const MAX_TIMEWARP_SECONDS = 600;

/** Bitcoin Core's MAX_FUTURE_BLOCK_TIME. */
export const MAX_FUTURE_SECONDS = 2 * 60 * 60;
const MTP_SPAN = 11;
const mtpScratch = new Uint32Array(MTP_SPAN);

/** Median of the (up to) 11 timestamps before `height`: a new header must be later than this. */
export function medianTimePast(anc: Ancestry, height: number): number {
  const n = Math.min(MTP_SPAN, height);
  for (let i = 0; i < n; i++) mtpScratch[i] = anc.timeAt(height - 1 - i);
  const view = mtpScratch.subarray(0, n).sort();
  return view[Math.floor(n / 2)] ?? 0;
}

/** The retarget at a period boundary: actual timespan clamped to 4x either way, capped at powLimit. */
export function retargetBits(
  params: ChainParams,
  lastBits: number,
  firstTime: number,
  lastTime: number,
): number {
  const span = Math.min(Math.max(lastTime - firstTime, params.targetTimespan / 4), params.targetTimespan * 4);
  const limit = targetFromBits(params.powLimitBits);
  let target = (targetFromBits(lastBits) * BigInt(span)) / BigInt(params.targetTimespan);
  if (target > limit) target = limit;
  return bitsFromTarget(target);
}

/** What `bits` the header at `height` (with timestamp `time`) must carry: Core's GetNextWorkRequired. */
export function requiredBits(params: ChainParams, height: number, time: number, anc: Ancestry): number {
  const prevBits = anc.bitsAt(height - 1);
  if (params.noRetargeting) return prevBits;
  const interval = params.retargetInterval;
  if (height % interval !== 0) {
    if (!params.allowMinDifficulty) return prevBits;
    // Testnet: 20 minutes without a block allows a min-difficulty block; otherwise the bits of the
    // last block in this period that was not such a block.
    if (time > anc.timeAt(height - 1) + params.targetSpacing * 2) return params.powLimitBits;
    let h = height - 1;
    while (h > 0 && h % interval !== 0 && anc.bitsAt(h) === params.powLimitBits) h--;
    return anc.bitsAt(h);
  }
  // BIP94: from the period's first block, so a min-difficulty block at its end does not count.
  const baseBits = params.bip94 ? anc.bitsAt(height - interval) : prevBits;
  return retargetBits(params, baseBits, anc.timeAt(height - interval), anc.timeAt(height - 1));
}

export interface HeaderFacts {
  readonly height: number;
  readonly time: number;
  readonly bits: number;
  /** Wire order; turned into hex only at checkpoint heights. */
  readonly hash: Uint8Array;
}

/**
 * The contextual checks an SPV client applies to a header whose proof of work is already verified:
 * the difficulty schedule, median-time-past, the future limit and the checkpoints.
 */
export function checkHeaderRules(
  params: ChainParams,
  h: HeaderFacts,
  anc: Ancestry,
  nowSeconds: number,
): void {
  const want = requiredBits(params, h.height, h.time, anc);
  if (h.bits !== want) {
    throw new P2PProtocolError(
      'BAD_DIFFICULTY',
      `height ${h.height} has bits 0x${h.bits.toString(16)}, schedule says 0x${want.toString(16)}`,
    );
  }
  // Later than all of the last 11 is later than their median: the sort is only needed otherwise.
  let latest = 0;
  for (let i = 1; i <= Math.min(11, h.height); i++) latest = Math.max(latest, anc.timeAt(h.height - i));
  const mtp = h.time > latest ? 0 : medianTimePast(anc, h.height);
  if (h.time <= mtp)
    throw new P2PProtocolError('TIME_TOO_OLD', `height ${h.height} time ${h.time} <= median ${mtp}`);
  if (params.bip94 && h.height % params.retargetInterval === 0) {
    const prevTime = anc.timeAt(h.height - 1);
    if (h.time < prevTime - MAX_TIMEWARP_SECONDS) {
      throw new P2PProtocolError(
        'TIME_TIMEWARP',
        `height ${h.height} time ${h.time} is over ${MAX_TIMEWARP_SECONDS} s before its parent's ${prevTime} (BIP94)`,
      );
    }
  }
  if (h.time > nowSeconds + MAX_FUTURE_SECONDS) {
    throw new P2PProtocolError('TIME_TOO_NEW', `height ${h.height} time ${h.time} more than 2 h ahead`);
  }
  for (const c of params.checkpoints) {
    if (c.height === h.height && c.hash !== hashToHex(h.hash)) {
      throw new P2PProtocolError('CHECKPOINT_MISMATCH', `height ${h.height} is not checkpoint ${c.hash}`);
    }
  }
}
