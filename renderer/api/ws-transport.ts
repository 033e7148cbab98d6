import { ApiError, ServerMessage, type ApiErrorShape } from '../../shared/api';
import type { Transport } from './transport';

type Reply = { result: unknown } | { error: ApiErrorShape };

/**
 * Headless mode: the API over one WebSocket to the page's own origin. Reconnects with backoff; calls
 * made while disconnected fail at once with a message saying so, rather than hanging.
 */
export function webSocketTransport(url: string): Transport {
  const pending = new Map<number, (reply: Reply) => void>();
  const eventListeners = new Set<(event: string, payload: unknown) => void>();
  const connectionListeners = new Set<(connected: boolean) => void>();
  let socket: WebSocket | null = null;
  let connected = false;
  let nextId = 1;
  let retryMs = 250;

  const setConnected = (value: boolean) => {
    connected = value;
    for (const listener of connectionListeners) listener(value);
  };

  const connect = () => {
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      retryMs = 250;
      setConnected(true);
    };
    ws.onmessage = (message) => {
      const parsed = ServerMessage.safeParse(JSON.parse(String(message.data)));
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
      const lost = new ApiError('INTERNAL', 'Lost the connection to the panel; reconnecting.').toJSON();
      for (const resolve of pending.values()) resolve({ error: lost });
      pending.clear();
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 5000);
    };
  };
  connect();

  return {
    call(method, params, signal) {
      if (!connected || !socket) {
        return Promise.resolve({
          error: new ApiError('INTERNAL', 'Not connected to the panel yet; try again in a moment.').toJSON(),
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
  };
}
