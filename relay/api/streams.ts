import type http from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '../log';

/** A client this far behind is not reading; dropping it protects the relay's memory and the others. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
const HEARTBEAT_MS = 15_000;

/**
 * Every stream subscriber, WebSocket and SSE. A block is encoded once per transport and written to
 * all clients in one synchronous loop: no awaits between clients, so the last one is not delayed by
 * event-loop turns spent on the first.
 */
export class StreamHub {
  readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 1024 });
  private readonly ws = new Set<WebSocket>();
  private readonly sse = new Set<http.ServerResponse>();
  private readonly alive = new WeakSet<WebSocket>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(private readonly log: Logger) {
    this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  get counts(): { ws: number; sse: number } {
    return { ws: this.ws.size, sse: this.sse.size };
  }

  addWebSocket(ws: WebSocket): void {
    this.ws.add(ws);
    this.alive.add(ws);
    ws.on('pong', () => this.alive.add(ws));
    // Clients have nothing to say on this stream; a message is ignored, an oversized one closes it.
    ws.on('message', () => undefined);
    ws.on('error', () => ws.terminate());
    ws.on('close', () => this.ws.delete(ws));
  }

  addSse(req: http.IncomingMessage, res: http.ServerResponse): void {
    req.socket.setNoDelay(true);
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    // A comment line flushes the headers so the client knows it is subscribed.
    res.write(': connected\n\n');
    this.sse.add(res);
    res.on('close', () => this.sse.delete(res));
  }

  /** `json` is one BlockAnnouncement; `id` lets an EventSource report the last height it saw. */
  broadcast(json: string, id: number): void {
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
      const event = Buffer.from(`id: ${id}\ndata: ${json}\n\n`);
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
