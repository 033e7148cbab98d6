import { exponentialDelay } from '../../../shared/backoff';

/** A bounded number of addresses remembered; the configured upstream list is far smaller. */
const MAX_ADDRESSES = 1024;

export interface BanRecord {
  bans: number;
  bannedUntil: number | null;
  lastReason: string | null;
}

export interface BanPolicy {
  readonly banBaseMs: number;
  readonly banMaxMs: number;
}

/**
 * Bans keyed by peer address (host:port as configured: the relay only connects out, and two test
 * peers on 127.0.0.1 must not ban each other). Each ban of the same address doubles the last one, up
 * to the cap; the count never decays, so a peer that keeps offending stays at the cap.
 */
export class BanList {
  private readonly records = new Map<string, BanRecord>();

  constructor(private readonly policy: BanPolicy) {}

  ban(address: string, reason: string, now = Date.now()): { durationMs: number; record: BanRecord } {
    const record = this.record(address);
    const durationMs = exponentialDelay(record.bans, this.policy.banBaseMs, this.policy.banMaxMs);
    record.bans++;
    record.bannedUntil = now + durationMs;
    record.lastReason = reason;
    return { durationMs, record };
  }

  get(address: string): BanRecord {
    return this.records.get(address) ?? { bans: 0, bannedUntil: null, lastReason: null };
  }

  get size(): number {
    return this.records.size;
  }

  private record(address: string): BanRecord {
    let r = this.records.get(address);
    if (r) {
      // Re-insert so the map's order is least recently banned first, for eviction.
      this.records.delete(address);
    } else {
      r = { bans: 0, bannedUntil: null, lastReason: null };
      if (this.records.size >= MAX_ADDRESSES) {
        const oldest = this.records.keys().next().value;
        if (oldest !== undefined) this.records.delete(oldest);
      }
    }
    this.records.set(address, r);
    return r;
  }
}
