import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import { ApiError, ClientMessage, describeIssues, MAX_MESSAGE_BYTES } from '../../../shared/api';
import { toApiError, type Dispatch } from '../api/dispatcher';
import type { EventBus } from '../api/event-bus';

export interface WebSocketApiOptions {
  readonly path: string;
  readonly dispatch: Dispatch;
  readonly events: EventBus;
  /** Null when the upgrade may proceed; else the HTTP status and reason to refuse it with. */
  readonly refuse: (request: IncomingMessage) => { status: number; reason: string } | null;
}

/** Past this much unsent data a client is too slow for live events; it still gets its answers. */
const SLOW_CLIENT_BYTES = 4 * 1024 * 1024;

/**
 * Carries the API over one WebSocket: requests {id, method, params}, answers {id, result} or
 * {id, error}, events {event, payload}, and {id, cancel: true} to cancel a long command. A bad
 * message gets an error answer; the connection and the server carry on.
 */
export function attachWebSocketApi(server: Server, options: WebSocketApiOptions): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const refusal =
      url.pathname === options.path ? options.refuse(request) : { status: 404, reason: 'Not Found' };
    if (refusal) {
      socket.end(
        `HTTP/1.1 ${refusal.status} ${refusal.reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
      );
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  });

  wss.on('connection', (ws: WebSocket) => {
    const inflight = new Map<number, AbortController>();
    const unsubscribe = options.events.subscribe((envelope) => {
      if (ws.readyState === WebSocket.OPEN && ws.bufferedAmount < SLOW_CLIENT_BYTES)
        ws.send(JSON.stringify(envelope));
    });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      void handleMessage(ws, options.dispatch, inflight, data, isBinary);
    });
    ws.on('close', () => {
      unsubscribe();
      for (const controller of inflight.values()) controller.abort();
    });
    ws.on('error', () => ws.terminate());
  });
  return wss;
}

async function handleMessage(
  ws: WebSocket,
  dispatch: Dispatch,
  inflight: Map<number, AbortController>,
  data: RawData,
  isBinary: boolean,
): Promise<void> {
  const reply = (message: unknown): void => {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
  };
  let raw: unknown;
  try {
    if (isBinary) throw new Error('binary frames are not accepted');
    raw = JSON.parse(data.toString());
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    reply({ id: null, error: new ApiError('BAD_MESSAGE', `Message is not JSON text: ${reason}`).toJSON() });
    return;
  }
  const parsed = ClientMessage.safeParse(raw);
  if (!parsed.success) {
    const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : null;
    reply({
      id,
      error: new ApiError('BAD_MESSAGE', `Malformed message: ${describeIssues(parsed.error)}`).toJSON(),
    });
    return;
  }
  const message = parsed.data;
  if ('cancel' in message) {
    inflight.get(message.id)?.abort();
    return;
  }
  if (inflight.has(message.id)) {
    reply({
      id: message.id,
      error: new ApiError('BAD_MESSAGE', `Request id ${message.id} is already in flight.`).toJSON(),
    });
    return;
  }
  const controller = new AbortController();
  inflight.set(message.id, controller);
  try {
    const result = await dispatch(message.method, message.params, { signal: controller.signal });
    reply({ id: message.id, result });
  } catch (error) {
    reply({ id: message.id, error: toApiError(error).toJSON() });
  } finally {
    inflight.delete(message.id);
  }
}
