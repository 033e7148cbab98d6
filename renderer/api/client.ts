import { createApiClient, type ApiClient as SharedApiClient } from '../../shared/api/client';
import { ipcTransport } from './ipc-transport';
import type { Transport } from './transport';
import { webSocketTransport } from './ws-transport';

/**
 * The typed API as the UI sees it: the one client (shared/api/client.ts) over IPC or WebSocket. The
 * UI's own panel needs no deadline nor connection wait, so its stores see calls, events and state.
 */
export type ApiClient = Pick<SharedApiClient, 'call' | 'on' | 'onConnection'>;

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
