import { webSocketApiTransport } from '../../shared/api/ws-client';
import type { Transport } from './transport';

/** Headless mode: the API over one WebSocket to the page's own origin (shared/api/ws-client.ts). */
export function webSocketTransport(url: string): Transport {
  return webSocketApiTransport(() => new WebSocket(url));
}
