import { Backoff } from '../backoff';
import { ApiError, type ApiErrorShape } from './api-error';
import { ServerMessage } from './wire';

/**
 * Why a call failed on this side, before or instead of an answer from the other end. Never set by
 * what the other end sends: the client turns it into a ConnectionError (shared/api/client.ts).
 */
export type ConnectionFailure =
  /** Not connected (yet), or the connection was lost or closed while waiting. */
  | 'unreachable'
  /** The other end refused the credentials (HTTP 401 at the handshake). */
  | 'refused'
  /** The request is larger than the other end accepts; nothing was sent. */
  | 'too-large'
  /** No answer within the call's deadline (shared/api/client.ts). */
  | 'deadline';

export type Reply = { result: unknown } | { error: ApiErrorShape; failure?: ConnectionFailure };

/** What an API client needs from a transport; it knows nothing else of IPC or WebSocket. */
export interface Transport {
  call(method: string, params: unknown, signal?: AbortSignal): Promise<Reply>;
  onEvent(listener: (event: string, payload: unknown) => void): () => void;
  onConnection(listener: (connected: boolean) => void): () => void;
  /** Why the connection is down when known (the token refused, nobody listening); null otherwise. */
  failure?(): ApiError | null;
  /** True once it will not connect again (closed, or a one-shot connection lost). */
  ended?(): boolean;
  close?(): void;
}

/**
 * The part of a WebSocket the transport uses: the browser's and the `ws` package's both fit, so the
 * UI, the CLI and a panel driving a remote panel (electron/services/fleet) share this code.
 */
export interface SocketLike<
  M extends { data: unknown } = { data: unknown },
  C extends { code: number } = { code: number },
> {
  onopen: ((event: never) => void) | null;
  onmessage: ((event: M) => void) | null;
  onclose: ((event: C) => void) | null;
  send(data: string): void;
  close(): void;
}

/** WebSocket close code for a message over the receiver's size limit (RFC 6455, 7.4.1). */
const CLOSE_TOO_BIG = 1009;

export interface WebSocketTransportOptions {
  /** Who the other end is, for messages: "the panel" in the UI, "the panel at URL" elsewhere. */
  readonly peerName?: string;
  /** Reconnect with backoff when the socket closes (the UI, the fleet); false: one connection (the CLI). */
  readonly reconnect?: boolean;
  /** Largest request sent, in bytes (UTF-8); a larger one fails at once, saying so. */
  readonly maxRequestBytes?: number;
}

const utf8 = new TextEncoder();
const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * The API over one WebSocket (headless mode's envelope, shared/api/wire.ts). Reconnects with
 * backoff; calls made while disconnected fail at once with a message saying so, rather than hanging.
 * `open` makes a socket; it may report why a handshake failed (`fail`), which a browser cannot see
 * but the `ws` package can (a 401).
 */
export function webSocketApiTransport<M extends { data: unknown }, C extends { code: number }>(
  open: (fail: (error: ApiError) => void) => SocketLike<M, C>,
  options: WebSocketTransportOptions = {},
): Transport & { close(): void } {
  const peer = options.peerName ?? 'the panel';
  const reconnects = options.reconnect ?? true;
  const pending = new Map<number, (reply: Reply) => void>();
  const eventListeners = new Set<(event: string, payload: unknown) => void>();
  const connectionListeners = new Set<(connected: boolean) => void>();
  let socket: SocketLike<M, C> | null = null;
  let connected = false;
  let closed = false;
  let lastFailure: ApiError | null = null;
  let nextId = 1;
  const reconnect = new Backoff(250, 5000);
  let retry: ReturnType<typeof setTimeout> | undefined;

  const setConnected = (value: boolean) => {
    connected = value;
    for (const listener of connectionListeners) listener(value);
  };

  const connect = () => {
    // The first reason given wins: a refused handshake (401) is followed by the abort's own error.
    let reported = false;
    const ws = open((error) => {
      if (reported) return;
      reported = true;
      lastFailure = error;
    });
    socket = ws;
    ws.onopen = () => {
      reconnect.reset();
      lastFailure = null;
      setConnected(true);
    };
    ws.onmessage = (message) => {
      let json: unknown;
      try {
        json = JSON.parse(String(message.data));
      } catch {
        return;
      }
      const parsed = ServerMessage.safeParse(json);
      if (!parsed.success) return;
      const data = parsed.data;
      if ('event' in data) {
        for (const listener of eventListeners) listener(data.event, data.payload);
      } else if (data.id !== null) {
        pending.get(data.id)?.('error' in data ? { error: data.error } : { result: data.result });
        pending.delete(data.id);
      }
    };
    ws.onclose = (event) => {
      if (socket !== ws) return;
      const wasConnected = connected;
      if (!reconnects) closed = true;
      let lost: ApiError;
      if (event.code === CLOSE_TOO_BIG) {
        lost = new ApiError(
          'UNREACHABLE',
          `${capitalised(peer)} closed the connection: a message was over the size limit.`,
        );
      } else if (!wasConnected && lastFailure) {
        lost = lastFailure;
      } else {
        lost = closed
          ? new ApiError('UNREACHABLE', `${capitalised(peer)} closed the connection.`)
          : new ApiError('INTERNAL', `Lost the connection to ${peer}; reconnecting.`);
      }
      if (!lastFailure || wasConnected) lastFailure = lost;
      setConnected(false);
      for (const resolve of pending.values()) resolve({ error: lost.toJSON(), failure: 'unreachable' });
      pending.clear();
      if (closed) return;
      retry = setTimeout(connect, reconnect.next());
    };
  };
  connect();

  return {
    call(method, params, signal) {
      if (!connected || !socket) {
        const why =
          lastFailure ?? new ApiError('INTERNAL', `Not connected to ${peer} yet; try again in a moment.`);
        return Promise.resolve({
          error: why.toJSON(),
          failure: why.code === 'UNAUTHORIZED' ? 'refused' : 'unreachable',
        });
      }
      const id = nextId++;
      const message = JSON.stringify({ id, method, params });
      const limit = options.maxRequestBytes;
      if (limit !== undefined) {
        const bytes = utf8.encode(message).length;
        if (bytes > limit) {
          const error = new ApiError(
            'INVALID_PARAMS',
            `The request is ${Math.ceil(bytes / 1024)} KB; the panel takes at most ${Math.floor(limit / 1024)} KB per message. Use a smaller file.`,
          );
          return Promise.resolve({ error: error.toJSON(), failure: 'too-large' });
        }
      }
      const ws = socket;
      return new Promise<Reply>((resolve) => {
        pending.set(id, resolve);
        signal?.addEventListener(
          'abort',
          () => {
            if (socket === ws && connected) ws.send(JSON.stringify({ id, cancel: true }));
          },
          { once: true },
        );
        ws.send(message);
      });
    },
    onEvent(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      listener(connected);
      return () => connectionListeners.delete(listener);
    },
    failure: () => (connected ? null : lastFailure),
    ended: () => closed,
    close() {
      closed = true;
      clearTimeout(retry);
      socket?.close();
    },
  };
}
