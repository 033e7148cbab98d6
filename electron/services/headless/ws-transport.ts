import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { MAX_MESSAGE_BYTES } from '../../../shared/api';
import type { Dispatch } from '../api/dispatcher';
import type { EventBus } from '../api/event-bus';
import { Connection, DEFAULT_LIMITS, type ConnectionLimits } from './connection';

export { BACKLOG_CLOSE, type ConnectionLimits } from './connection';

export interface WebSocketApiOptions {
  readonly path: string;
  readonly dispatch: Dispatch;
  readonly events: EventBus;
  /** Null when the upgrade may proceed; else the HTTP status and reason to refuse it with. */
  readonly refuse: (request: IncomingMessage) => Promise<{ status: number; reason: string } | null>;
  /** Defaults DEFAULT_LIMITS; tests reach the caps with smaller ones. */
  readonly limits?: Partial<ConnectionLimits>;
}

/**
 * Carries the API over one WebSocket: requests {id, method, params}, answers {id, result} or
 * {id, error}, events {event, payload}, and {id, cancel: true} to cancel a long command. A bad
 * message gets an error answer; the connection and the server carry on. Per-connection limits:
 * `Connection`.
 */
export function attachWebSocketApi(server: Server, options: WebSocketApiOptions): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    // The refusal may wait (a throttled wrong token); a client that hangs up meanwhile is no error.
    socket.on('error', () => socket.destroy());
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const refusal =
        url.pathname === options.path ? await options.refuse(request) : { status: 404, reason: 'Not Found' };
      if (socket.destroyed) return;
      if (refusal) {
        // The status line's reason phrase must stay one line of plain text.
        const reason = refusal.reason.replace(/[^\x20-\x7e]/g, ' ');
        socket.end(`HTTP/1.1 ${refusal.status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
        return;
      }
      wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
    })();
  });

  wss.on('connection', (ws: WebSocket) => {
    const connection = new Connection(ws, options.dispatch, { ...DEFAULT_LIMITS, ...options.limits });
    const unsubscribe = options.events.subscribe((envelope) => connection.sendEvent(envelope));
    ws.on('message', (data: RawData, isBinary: boolean) => connection.receive(data, isBinary));
    ws.on('close', () => {
      unsubscribe();
      connection.abortAll();
    });
    ws.on('error', () => ws.terminate());
  });
  return wss;
}
