import { Backoff } from '../backoff';
import { ApiError, type ApiErrorShape } from './api-error';
import { ServerMessage } from './wire';

/** What an API client needs from a transport; it knows nothing else of IPC or WebSocket. */
export interface Transport {
  call(
    method: string,
    params: unknown,
    signal?: AbortSignal,
  ): Promise<{ result: unknown } | { error: ApiErrorShape }>;
  onEvent(listener: (event: string, payload: unknown) => void): () => void;
  onConnection(listener: (connected: boolean) => void): () => void;
}

/**
 * The part of a WebSocket the transport uses: the browser's and the `ws` package's both fit, so the
 * UI and a panel driving a remote panel (electron/services/fleet) share this code.
 */
export interface SocketLike<M extends { data: unknown } = { data: unknown }> {
  onopen: ((event: never) => void) | null;
  onmessage: ((event: M) => void) | null;
  onclose: ((event: never) => void) | null;
  send(data: string): void;
  close(): void;
}

type Reply = { result: unknown } | { error: ApiErrorShape };

export interface WebSocketTransportOptions {
  /** Who the other end is, for messages: "the panel" in the UI, "the panel at URL" remotely. */
  readonly peerName?: string;
}

/**
 * The API over one WebSocket (headless mode's envelope, shared/api/wire.ts). Reconnects with
 * backoff; calls made while disconnected fail at once with a message saying so, rather than hanging.
 */
export function webSocketApiTransport<M extends { data: unknown }>(
  open: () => SocketLike<M>,
  options: WebSocketTransportOptions = {},
): Transport & { close(): void } {
  const peer = options.peerName ?? 'the panel';
  const pending = new Map<number, (reply: Reply) => void>();
  const eventListeners = new Set<(event: string, payload: unknown) => void>();
  const connectionListeners = new Set<(connected: boolean) => void>();
  let socket: SocketLike<M> | null = null;
  let connected = false;
  let closed = false;
  let nextId = 1;
  const reconnect = new Backoff(250, 5000);
  let retry: ReturnType<typeof setTimeout> | undefined;

  const setConnected = (value: boolean) => {
    connected = value;
    for (const listener of connectionListeners) listener(value);
  };

  const connect = () => {
    const ws = open();
    socket = ws;
    ws.onopen = () => {
      reconnect.reset();
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
    ws.onclose = () => {
      if (socket !== ws) return;
      setConnected(false);
      const lost = new ApiError('INTERNAL', `Lost the connection to ${peer}; reconnecting.`).toJSON();
      for (const resolve of pending.values()) resolve({ error: lost });
      pending.clear();
      if (closed) return;
      retry = setTimeout(connect, reconnect.next());
    };
  };
  connect();

  return {
    call(method, params, signal) {
      if (!connected || !socket) {
        return Promise.resolve({
          error: new ApiError('INTERNAL', `Not connected to ${peer} yet; try again in a moment.`).toJSON(),
        });
      }
      const id = nextId++;
      const ws = socket;
      return new Promise<Reply>((resolve) => {
        pending.set(id, resolve);
        signal?.addEventListener('abort', () => ws.send(JSON.stringify({ id, cancel: true })), {
          once: true,
        });
        ws.send(JSON.stringify({ id, method, params }));
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
    close() {
      closed = true;
      clearTimeout(retry);
      socket?.close();
    },
  };
}
