import type http from 'node:http';
import { randomBytes } from 'node:crypto';
import { type WebSocket, WebSocketServer } from 'ws';
import type { BlockRef, StreamBlock, StreamReorg, StreamResync } from '../../shared/relay-stream';
import type { Logger } from '../util/log';
import { ReplayBuffer } from './replay-buffer';

/** A client this far behind is not reading; dropping it protects the relay's memory and the others. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
const HEARTBEAT_MS = 15_000;

/** Where a (re)connecting client wants to start: nothing (live only) or after `since`. */
export interface Resume {
  readonly since: number | null;
  readonly epoch: string | null;
}

export type BlockEventBody = Omit<StreamBlock, 'seq' | 'epoch' | 'type'>;
export type ReorgEventBody = Omit<StreamReorg, 'seq' | 'epoch' | 'type'>;

/**
 * Every stream subscriber, WebSocket and SSE, and the stream's sequence (shared/relay-stream.ts):
 * each event takes the next seq, is encoded once and kept in a bounded replay buffer for clients
 * that resume. An event is written to all clients in one synchronous loop: no awaits between
 * clients, so the last one is not delayed by event-loop turns spent on the first.
 */
export class StreamHub {
  readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 1024 });
  /** This run's id: a restarted relay numbers from 1 again, under another epoch. */
  readonly epoch = randomBytes(8).toString('hex');
  private lastSeq = 0;
  private readonly replay: ReplayBuffer;
  private readonly ws = new Set<WebSocket>();
  private readonly sse = new Set<http.ServerResponse>();
  private readonly alive = new WeakSet<WebSocket>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly log: Logger,
    private readonly tip: () => BlockRef | null,
    replay?: ReplayBuffer,
  ) {
    this.replay = replay ?? new ReplayBuffer();
    this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  get counts(): { ws: number; sse: number } {
    return { ws: this.ws.size, sse: this.sse.size };
  }

  /** The last seq published (0 before the first event). */
  get seq(): number {
    return this.lastSeq;
  }

  get replayStats(): { events: number; bytes: number; oldestSeq: number | null } {
    return { events: this.replay.length, bytes: this.replay.bytes, oldestSeq: this.replay.oldestSeq };
  }

  addWebSocket(ws: WebSocket, resume: Resume = { since: null, epoch: null }): void {
    // Catch-up first, in the same turn as the subscription: no live event can fall between them.
    for (const json of this.catchUp(resume)) ws.send(json, { binary: false, compress: false });
    this.ws.add(ws);
    this.alive.add(ws);
    ws.on('pong', () => this.alive.add(ws));
    // Clients have nothing to say on this stream; a message is ignored, an oversized one closes it.
    ws.on('message', () => undefined);
    ws.on('error', () => ws.terminate());
    ws.on('close', () => this.ws.delete(ws));
  }

  addSse(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    resume: Resume = { since: null, epoch: null },
  ): void {
    req.socket.setNoDelay(true);
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    // A comment line flushes the headers so the client knows it is subscribed.
    res.write(': connected\n\n');
    for (const json of this.catchUp(resume)) res.write(sseEvent(json));
    this.sse.add(res);
    res.on('close', () => this.sse.delete(res));
  }

  /** A block connected to the best chain; returns the JSON written (what /latest serves too). */
  publishBlock(body: BlockEventBody): string {
    const seq = this.lastSeq + 1;
    // Field order: type and seq first, so a reader sees what it is before the rest.
    const json = JSON.stringify({ type: 'block', seq, epoch: this.epoch, ...body });
    this.publish(seq, json);
    return json;
  }

  publishReorg(body: ReorgEventBody): string {
    const seq = this.lastSeq + 1;
    const json = JSON.stringify({ type: 'reorg', seq, epoch: this.epoch, ...body });
    this.publish(seq, json);
    return json;
  }

  private publish(seq: number, json: string): void {
    this.lastSeq = seq;
    this.replay.push({ seq, json });
    this.broadcast(json);
  }

  /** What a resuming client missed, or the one resync message when it cannot be replayed. */
  private catchUp(resume: Resume): string[] {
    if (resume.since === null) return [];
    if (resume.epoch !== null && resume.epoch !== this.epoch)
      return [this.resync(resume.since, 'epoch-changed')];
    const answer = this.replay.after(resume.since, this.lastSeq);
    if (answer.ok) return answer.events.map((e) => e.json);
    return [this.resync(resume.since, answer.reason)];
  }

  private resync(since: number, reason: StreamResync['reason']): string {
    const oldestSeq = this.replay.oldestSeq;
    const why = {
      'too-old': `events after ${since} are no longer kept (oldest kept: ${oldestSeq ?? 'none'})`,
      'unknown-seq': `seq ${since} was never published in this run (last: ${this.lastSeq}); the relay restarted`,
      'epoch-changed': 'the relay restarted since that seq was published',
    }[reason];
    const msg: StreamResync = {
      type: 'resync',
      seq: this.lastSeq,
      epoch: this.epoch,
      reason,
      since,
      oldestSeq,
      tip: this.tip(),
      resyncFrom: '/v1/btc/headers',
      message: `${why}: rebuild from /v1/btc/headers, then follow events after seq ${this.lastSeq}`,
    };
    return JSON.stringify(msg);
  }

  private broadcast(json: string): void {
    if (this.ws.size > 0) {
      const frame = Buffer.from(json);
      for (const ws of this.ws) {
        if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
          this.log.warn('dropping slow stream client', { transport: 'ws', buffered: ws.bufferedAmount });
          ws.terminate();
          continue;
        }
        ws.send(frame, { binary: false, compress: false });
      }
    }
    if (this.sse.size > 0) {
      const event = Buffer.from(sseEvent(json));
      for (const res of this.sse) {
        if (res.writableLength > MAX_BUFFERED_BYTES) {
          this.log.warn('dropping slow stream client', { transport: 'sse', buffered: res.writableLength });
          res.destroy();
          continue;
        }
        res.write(event);
      }
    }
  }

  private beat(): void {
    for (const ws of this.ws) {
      if (!this.alive.has(ws)) {
        ws.terminate();
        continue;
      }
      this.alive.delete(ws);
      ws.ping();
    }
    for (const res of this.sse) res.write(': ping\n\n');
  }

  closeAll(): void {
    clearInterval(this.heartbeat);
    for (const ws of this.ws) ws.close(1001, 'relay stopping');
    for (const res of this.sse) res.end();
    this.wss.close();
  }
}

/** SSE: the event's seq as its id, so EventSource resumes with Last-Event-ID by itself. */
function sseEvent(json: string): string {
  const seq = /"seq":(\d+)/.exec(json)?.[1];
  return seq === undefined ? `data: ${json}\n\n` : `id: ${seq}\ndata: ${json}\n\n`;
}
