import { createHash, randomBytes } from 'node:crypto';
import { targetFromBits } from '../wire/header';
import { sha256d } from '../wire/bytes';
import { MAX_FUTURE_SECONDS } from '../chain/rules';
import { checkPow, workOf } from '../chain/pow';
import type { ChainParams } from '../chain/params';

/** One commitment per this many headers (Core's period is of the same order). */
export const COMMITMENT_PERIOD = 600;
/** The fastest a valid chain can grow: median-time-past allows about six blocks a second. */
const MAX_BLOCKS_PER_SECOND = 6;

export interface PresyncStart {
  readonly height: number;
  /** Wire-order hash of the main-chain header the branch leaves from. */
  readonly hash: Buffer;
  readonly work: bigint;
  readonly bits: number;
  /** Its timestamp: the branch cannot have more blocks than time since then allows. */
  readonly time: number;
}

/** Second-pass headers held back until this many more have matched commitments (Core: ~14,000). */
export const REDOWNLOAD_BUFFER = 14_000;

export type PresyncStep =
  /**
   * Ask the peer for the headers after `from` (a wire-order hash). `release`: second-pass headers
   * far enough behind the checked commitments to store now (only when extending our tip).
   */
  | { readonly kind: 'more'; readonly from: Buffer; readonly release: Buffer[] }
  /** The branch carries the work: these headers (from start.height + 1) may now be validated and stored. */
  | { readonly kind: 'adopt'; readonly headers: Buffer[] }
  /** Give up on this branch without blaming the peer (it may be honest and behind). */
  | { readonly kind: 'abort'; readonly reason: string; readonly lowWork: boolean };

/**
 * A branch we do not store until it has shown enough work, in the manner of Bitcoin Core's headers
 * presync (src/headerssync.cpp): first pass, each header is checked for continuity, proof of work and
 * a permitted difficulty step, its work summed, and only a salted 32-bit digest of one header in
 * every COMMITMENT_PERIOD kept (4 bytes per 600 headers); the number of digests is bounded by how many
 * blocks could exist since the fork. Once the sum exceeds the target, the second pass downloads the
 * branch again from the fork, checks it against the digests (a peer cannot swap in another chain) and
 * holds the headers, now known to carry the work, until the target is reached again.
 */
export class HeadersPresync {
  phase: 'presync' | 'redownload' = 'presync';
  private readonly salt = randomBytes(16);
  private readonly offset = Math.floor(Math.random() * COMMITMENT_PERIOD);
  private readonly powLimit: bigint;
  private readonly maxCommitments: number;
  private commitments = new Uint32Array(64);
  private written = 0;
  private readAt = 0;
  private lastHash: Buffer;
  private lastBits: number;
  private height: number;
  private work: bigint;
  private readonly kept: Buffer[] = [];
  /** Highest height the first pass reached: what the peer showed us. */
  presyncHeight: number;

  constructor(
    private readonly params: ChainParams,
    readonly start: PresyncStart,
    readonly targetWork: bigint,
    nowSeconds: number,
    /** Extending our own tip (initial sync below minimum work): second-pass headers may be stored as they are checked. */
    readonly extendsTip = false,
  ) {
    this.powLimit = targetFromBits(params.powLimitBits);
    const seconds = Math.max(0, nowSeconds - start.time) + MAX_FUTURE_SECONDS;
    this.maxCommitments = Math.ceil((MAX_BLOCKS_PER_SECOND * seconds) / COMMITMENT_PERIOD) + 1;
    this.lastHash = start.hash;
    this.lastBits = start.bits;
    this.height = start.height;
    this.work = start.work;
    this.presyncHeight = start.height;
  }

  /** Bytes held: the digests, and in the second pass the headers kept for adoption. */
  get bytes(): number {
    return this.commitments.byteLength + this.kept.length * 80;
  }

  get workSoFar(): bigint {
    return this.work;
  }

  /** The next batch from the peer; `full` says it sent the most a headers message holds. */
  feed(raws: readonly Buffer[], full: boolean): PresyncStep {
    for (const raw of raws) {
      const bad = this.step(raw);
      if (bad !== null) return { kind: 'abort', reason: bad, lowWork: false };
      if (this.phase === 'presync' && this.work > this.targetWork) return this.beginRedownload();
      if (this.phase === 'redownload' && this.work > this.targetWork) {
        return { kind: 'adopt', headers: this.kept.splice(0) };
      }
    }
    if (full) {
      const release =
        this.extendsTip && this.kept.length > REDOWNLOAD_BUFFER
          ? this.kept.splice(0, this.kept.length - REDOWNLOAD_BUFFER)
          : [];
      return { kind: 'more', from: this.lastHash, release };
    }
    return {
      kind: 'abort',
      reason:
        this.phase === 'presync'
          ? `the peer's branch ends at height ${this.height} with less work than needed`
          : `the peer stopped serving the branch at height ${this.height} on the second pass`,
      lowWork: this.phase === 'presync',
    };
  }

  private beginRedownload(): PresyncStep {
    this.phase = 'redownload';
    this.lastHash = this.start.hash;
    this.lastBits = this.start.bits;
    this.height = this.start.height;
    this.work = this.start.work;
    this.readAt = 0;
    return { kind: 'more', from: this.start.hash, release: [] };
  }

  /** Null when the header is acceptable for this pass; else why not. */
  private step(raw: Buffer): string | null {
    if (this.lastHash.compare(raw, 4, 36) !== 0)
      return `header at ${this.height + 1} does not follow the branch`;
    const bits = raw.readUInt32LE(72);
    const height = this.height + 1;
    if (!this.permittedTransition(height, this.lastBits, bits))
      return `difficulty step not permitted at ${height}`;
    const hash = sha256d(raw);
    try {
      checkPow(hash, bits, this.powLimit);
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
    if (height % COMMITMENT_PERIOD === this.offset) {
      const digest = this.digest(hash);
      if (this.phase === 'presync') {
        if (this.written >= this.maxCommitments)
          return `branch longer than time since its fork allows (${height})`;
        if (this.written === this.commitments.length) {
          const grown = new Uint32Array(this.commitments.length * 2);
          grown.set(this.commitments);
          this.commitments = grown;
        }
        this.commitments[this.written++] = digest;
      } else {
        if (this.readAt >= this.written) return `second pass runs past the first at ${height}`;
        if (this.commitments[this.readAt++] !== digest)
          return `second pass serves another chain at ${height}`;
      }
    }
    if (this.phase === 'redownload') this.kept.push(Buffer.from(raw));
    this.work += workOf(bits);
    this.lastHash = hash;
    this.lastBits = bits;
    this.height = height;
    if (this.phase === 'presync') this.presyncHeight = height;
    return null;
  }

  private digest(hash: Buffer): number {
    return createHash('sha256').update(this.salt).update(hash).digest().readUInt32LE(0);
  }

  /** Core's PermittedDifficultyTransition: only what the retarget rules could produce. */
  private permittedTransition(height: number, oldBits: number, newBits: number): boolean {
    if (this.params.allowMinDifficulty) return true;
    if (this.params.noRetargeting || height % this.params.retargetInterval !== 0) return oldBits === newBits;
    const old = targetFromBits(oldBits);
    const next = targetFromBits(newBits);
    const most = old * 4n > this.powLimit ? this.powLimit : old * 4n;
    return next <= most && next >= old / 4n;
  }
}
