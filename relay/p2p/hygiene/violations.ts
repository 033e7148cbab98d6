import type { P2PErrorCode } from '../../wire/protocol-error';

/**
 * Why a peer lost points or was dropped for misbehaving. A fixed set, so the codes can label metrics
 * without unbounded cardinality; the message says what exactly happened.
 */
export type ViolationCode =
  'PING_FLOOD' | 'GETHEADERS_FLOOD' | 'INV_FLOOD' | 'UNKNOWN_COMMAND_FLOOD' | 'SEND_BUFFER_FULL';

export interface Violation {
  /** A flood code, or the P2PErrorCode of a protocol violation (which scores the full threshold). */
  readonly code: ViolationCode | P2PErrorCode;
  readonly points: number;
  readonly message: string;
}

const KEEP_REASONS = 8;

/**
 * One connection's misbehaviour score, as Bitcoin Core's Misbehaving(howmuch, message): points add
 * up, each with its reason, and reaching the threshold means the peer is dropped and banned.
 */
export class MisbehaviourScore {
  score = 0;
  /** The last few reasons (bounded), newest last, for the drop log. */
  readonly reasons: string[] = [];
  private readonly counts = new Map<string, number>();

  constructor(readonly threshold: number) {}

  /** Adds the violation; true when this one crossed the threshold. */
  add(v: Violation): boolean {
    const before = this.score;
    this.score += v.points;
    this.counts.set(v.code, (this.counts.get(v.code) ?? 0) + 1);
    this.reasons.push(`${v.code} +${v.points}: ${v.message}`);
    if (this.reasons.length > KEEP_REASONS) this.reasons.shift();
    return before < this.threshold && this.score >= this.threshold;
  }

  /** Violations by code over this connection, e.g. {PING_FLOOD: 12}. */
  summary(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }
}
