import { ApiError } from '../../shared/api';
import type { SprintBridge, Transport } from './transport';

let nextRequest = 0;

/** Electron: calls the preload's named functions; IPC never drops, so the connection is always up. */
export function ipcTransport(bridge: SprintBridge): Transport {
  return {
    async call(method, params, signal) {
      const command = bridge.commands[method];
      if (!command) return { error: new ApiError('UNKNOWN_METHOD', `Unknown method "${method}".`).toJSON() };
      const requestId = `r${++nextRequest}`;
      const onAbort = () => bridge.cancel(requestId);
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        return await command(params, requestId);
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    },
    onEvent: (listener) => bridge.onEvent(({ event, payload }) => listener(event, payload)),
    onConnection(listener) {
      listener(true);
      return () => undefined;
    },
  };
}
