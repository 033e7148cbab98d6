import { MAX_REPLAY_EVENTS } from '../../shared/relay-stream';

/** One published stream event as written: its seq and its JSON (encoded once for every client). */
export interface ReplayEntry {
  readonly seq: number;
  readonly json: string;
}

/** Default byte bound: a 10,000-event buffer of ordinary block events is about 4 MB. */
export const MAX_REPLAY_BYTES = 32 * 1024 * 1024;

export type ReplayAnswer =
  | { readonly ok: true; readonly events: readonly ReplayEntry[] }
  | { readonly ok: false; readonly reason: 'too-old' | 'unknown-seq'; readonly oldestSeq: number | null };

/**
 * The most recent stream events, for clients that resume with `since`. Bounded by count and by
 * bytes (a deep reorg's event names every disconnected block): the oldest go first. A ring, so
 * dropping the oldest is O(1).
 */
export class ReplayBuffer {
  private readonly ring: (ReplayEntry | undefined)[];
  private head = 0;
  private size = 0;
  private totalBytes = 0;

  constructor(
    readonly maxEvents = MAX_REPLAY_EVENTS,
    readonly maxBytes = MAX_REPLAY_BYTES,
  ) {
    this.ring = new Array<ReplayEntry | undefined>(maxEvents);
  }

  get length(): number {
    return this.size;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  get oldestSeq(): number | null {
    return this.size === 0 ? null : (this.ring[this.head] as ReplayEntry).seq;
  }

  push(entry: ReplayEntry): void {
    if (this.size === this.maxEvents) this.dropOldest();
    this.ring[(this.head + this.size) % this.maxEvents] = entry;
    this.size++;
    this.totalBytes += entry.json.length;
    while (this.totalBytes > this.maxBytes && this.size > 1) this.dropOldest();
  }

  /** Every event after `since`, given the last seq published (`latest`). */
  after(since: number, latest: number): ReplayAnswer {
    if (since > latest) return { ok: false, reason: 'unknown-seq', oldestSeq: this.oldestSeq };
    if (since === latest) return { ok: true, events: [] };
    const oldest = this.oldestSeq;
    if (oldest === null || since < oldest - 1) return { ok: false, reason: 'too-old', oldestSeq: oldest };
    const events: ReplayEntry[] = [];
    for (let i = since - oldest + 1; i < this.size; i++) {
      events.push(this.ring[(this.head + i) % this.maxEvents] as ReplayEntry);
    }
    return { ok: true, events };
  }

  private dropOldest(): void {
    const old = this.ring[this.head] as ReplayEntry;
    this.ring[this.head] = undefined;
    this.totalBytes -= old.json.length;
    this.head = (this.head + 1) % this.maxEvents;
    this.size--;
  }
}
