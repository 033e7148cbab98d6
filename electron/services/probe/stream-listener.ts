import { WebSocket } from 'ws';
import { z } from 'zod';
import type { BlockRelayed } from '../../../shared/metrics';
import { BlockAnnouncement } from '../../../shared/relay-contract';
import { FetchError, requestJson } from '../../../shared-node/http-get';
import type { Clock } from './schedule';

const StreamType = z.object({ type: z.enum(['block', 'reorg', 'resync']) });
const DemoRecords = z.array(z.object({ hash: z.string(), sentAt: z.number() }).loose());
/** Kept per hash; a long demo run mines thousands of blocks and only recent ones are ever asked for. */
const MAX_KNOWN = 2000;
const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 5000;

/**
 * The demo peer's ground truth: when it wrote each block to its peers. Fetched lazily (only when a
 * block arrives whose hash we do not know), so the probe puts no load on anything between blocks.
 */
export class DemoPeerClock {
  private readonly sentAt = new Map<string, number>();
  private inflight: Promise<void> | null = null;

  constructor(private readonly url: string) {}

  async lookup(hash: string): Promise<number | null> {
    // The peer records a block right after writing it, so a second look covers the rare race.
    for (let attempt = 0; attempt < 3; attempt++) {
      const known = this.sentAt.get(hash);
      if (known !== undefined) return known;
      if (attempt > 0) await new Promise((r) => setTimeout(r, 50));
      await this.refresh().catch(() => undefined);
    }
    return this.sentAt.get(hash) ?? null;
  }

  private refresh(): Promise<void> {
    const url = new URL('/blocks', this.url).toString();
    // The demo peer keeps every record (about 130 bytes each): 16 MB is a very long demo run.
    this.inflight ??= requestJson(url, { timeoutMs: 2000, maxBytes: 16 * 1024 * 1024 })
      .then(({ status, body }) => {
        if (status !== 200) throw new FetchError(`${url} answered ${status}`, status);
        for (const r of DemoRecords.parse(body)) this.sentAt.set(r.hash, r.sentAt);
        for (const hash of this.sentAt.keys()) {
          if (this.sentAt.size <= MAX_KNOWN) break;
          this.sentAt.delete(hash);
        }
      })
      .finally(() => {
        this.inflight = null;
      });
    return this.inflight;
  }
}

export interface StreamListenerOptions {
  readonly apiUrl: string;
  readonly key: string;
  readonly demoPeerUrl: string | null;
  readonly clock: Clock;
  readonly onBlock: (block: BlockRelayed) => void;
  readonly onConnected?: (connected: boolean) => void;
  readonly onWarning: (message: string, fields?: Record<string, unknown>) => void;
}

/**
 * Subscribes to the relay's WebSocket stream and turns each announcement into a BlockRelayed:
 * relay-added latency from the relay's own two timestamps, end-to-end from the demo peer's send time
 * to the moment the message reached us (all three processes read shared/clock's anchored wall clock).
 */
export class StreamListener {
  private ws: WebSocket | null = null;
  private retryMs = RECONNECT_MIN_MS;
  private retryTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly demo: DemoPeerClock | null;

  constructor(private readonly o: StreamListenerOptions) {
    this.demo = o.demoPeerUrl === null ? null : new DemoPeerClock(o.demoPeerUrl);
  }

  start(): void {
    if (this.stopped) return;
    const url = new URL('/v1/btc/stream', this.o.apiUrl);
    url.protocol = 'ws:';
    url.searchParams.set('key', this.o.key);
    const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: 5000 });
    this.ws = ws;
    let opened = false;
    ws.on('open', () => {
      opened = true;
      this.retryMs = RECONNECT_MIN_MS;
      this.o.onConnected?.(true);
    });
    ws.on('message', (data: Buffer) => this.onMessage(this.o.clock.now(), data));
    ws.on('error', (err) => this.o.onWarning('stream error', { error: err.message }));
    ws.on('close', () => {
      if (opened) this.o.onConnected?.(false);
      this.reconnect();
    });
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.ws?.terminate();
  }

  private reconnect(): void {
    if (this.stopped) return;
    this.retryTimer = setTimeout(() => this.start(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, RECONNECT_MAX_MS);
  }

  private onMessage(deliveredAt: number, data: Buffer): void {
    let announcement: BlockAnnouncement;
    try {
      const message: unknown = JSON.parse(data.toString('utf8'));
      // Stream protocol v1 (shared/relay-stream.ts): a reorg is followed by the new branch's blocks,
      // which are what the probe records (the chart and report find the reorg in them); a resync
      // only concerns clients that resume. Older relays send bare announcements without a type.
      const type = StreamType.safeParse(message);
      if (type.success && type.data.type !== 'block') return;
      announcement = BlockAnnouncement.parse(message);
    } catch (err) {
      return this.o.onWarning('unreadable stream message', { error: String(err) });
    }
    const { height, hash, receivedAt, relayedAt } = announcement;
    const emit = (sentAt: number | null): void =>
      this.o.onBlock({
        height,
        hash,
        receivedAt,
        relayedAt,
        addedMs: relayedAt - receivedAt,
        endToEndMs: this.endToEnd(height, sentAt, deliveredAt),
        deliveredAt,
      });
    if (!this.demo) return emit(null);
    this.demo.lookup(hash).then(emit, () => emit(null));
  }

  /**
   * A block cannot arrive before it was sent: a negative figure means the two processes' clocks
   * disagree (a wall clock set between their starts). It is not recorded as a latency, and said once.
   */
  private endToEnd(height: number, sentAt: number | null, deliveredAt: number): number | null {
    if (sentAt === null) return null;
    const ms = deliveredAt - sentAt;
    if (ms >= 0) return ms;
    this.o.onWarning('end-to-end not recorded: the demo peer sent this block after it arrived here', {
      height,
      byMs: Number((-ms).toFixed(3)),
      hint: "the demo peer's and the probe's clocks disagree; was the system clock set while they ran?",
    });
    return null;
  }
}
