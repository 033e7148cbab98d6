import {
  ApiError,
  COMMANDS,
  EVENTS,
  type CommandName,
  type CommandParams,
  type CommandResult,
  type EventName,
  type EventPayload,
} from '../../shared/api';
import { ipcTransport } from './ipc-transport';
import type { Transport } from './transport';
import { webSocketTransport } from './ws-transport';

/** The typed API as the UI sees it; results and events are checked against the shared schemas. */
export interface ApiClient {
  call<M extends CommandName>(
    method: M,
    params: CommandParams<M>,
    signal?: AbortSignal,
  ): Promise<CommandResult<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  onConnection(listener: (connected: boolean) => void): () => void;
}

export function createApiClient(transport: Transport): ApiClient {
  return {
    async call(method, params, signal) {
      const reply = await transport.call(method, params, signal);
      if ('error' in reply) throw ApiError.from(reply.error);
      return COMMANDS[method].result.parse(reply.result) as CommandResult<typeof method>;
    },
    on(event, listener) {
      return transport.onEvent((name, payload) => {
        if (name !== event) return;
        const parsed = EVENTS[event].safeParse(payload);
        if (parsed.success) listener(parsed.data as EventPayload<typeof event>);
      });
    },
    onConnection: (listener) => transport.onConnection(listener),
  };
}

/** Electron's preload bridge when present, else the headless WebSocket on this page's origin. */
export function defaultTransport(): Transport {
  if (window.sprint) return ipcTransport(window.sprint);
  const token = new URLSearchParams(window.location.search).get('token');
  if (token) {
    // The server has set the token as an HttpOnly cookie by now; keep it out of the address bar,
    // screenshots and history.
    window.history.replaceState(null, '', window.location.pathname);
  }
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  return webSocketTransport(`${scheme}://${window.location.host}/api/ws`);
}

export const api: ApiClient = createApiClient(defaultTransport());
