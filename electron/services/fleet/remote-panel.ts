import WebSocket from 'ws';
import {
  ApiError,
  COMMANDS,
  type CommandName,
  type CommandParams,
  type CommandResult,
} from '../../../shared/api';
import { webSocketApiTransport } from '../../../shared/api/ws-client';
import { FetchError, getText } from './http-get';

/** The headless server's API socket (electron/services/headless/server.ts, API_SOCKET_PATH). */
const API_SOCKET_PATH = '/api/ws';
const CONNECT_TIMEOUT_MS = 5000;

/** A panel URL as given, split into the base URL and a token carried in it (?token=…). */
export function splitPanelUrl(raw: string): { url: string; token: string | null } {
  const parsed = new URL(raw);
  const token = parsed.searchParams.get('token');
  return { url: `${parsed.protocol}//${parsed.host}${parsed.pathname.replace(/\/+$/, '')}`, token };
}

/**
 * Checks a remote headless panel answers and takes the token, over plain HTTP (the WebSocket
 * handshake's 401 is invisible to a browser-style socket). Wrong token: UNAUTHORIZED, said plainly.
 */
export async function verifyPanel(url: string, token: string): Promise<void> {
  try {
    await getText(`${url}/`, { headers: { authorization: `Bearer ${token}` }, timeoutMs: 5000 });
  } catch (error) {
    if (error instanceof FetchError && error.status === 401) {
      throw new ApiError(
        'UNAUTHORIZED',
        `The panel at ${url} refused the token (401 Unauthorized). Use the token from the URL its \`npm run serve\` printed (…/?token=…); a panel restarted without --token has a new one.`,
      );
    }
    const why = error instanceof Error ? error.message : String(error);
    throw new ApiError('UNREACHABLE', `The panel at ${url} did not answer: ${why}`);
  }
}

/**
 * Another Sprint Control panel in headless mode, driven through its API over its WebSocket with its
 * token: the same envelope and transport code as the UI (shared/api/ws-client.ts).
 */
export class RemotePanel {
  private readonly transport;
  private connected = false;

  constructor(
    readonly url: string,
    readonly token: string,
  ) {
    const wsUrl = `${url.replace(/^http/, 'ws')}${API_SOCKET_PATH}`;
    this.transport = webSocketApiTransport(
      () => {
        const ws = new WebSocket(wsUrl, {
          headers: { authorization: `Bearer ${token}` },
          handshakeTimeout: 5000,
        });
        // A refused handshake (401) surfaces as an error then a close; the close reconnects.
        ws.on('error', () => undefined);
        return ws;
      },
      { peerName: `the panel at ${url}` },
    );
    this.transport.onConnection((up) => (this.connected = up));
  }

  /** `connectWithinMs`: how long to wait for the socket when it is down (a listing waits less). */
  async call<M extends CommandName>(
    method: M,
    params: CommandParams<M>,
    signal?: AbortSignal,
    connectWithinMs = CONNECT_TIMEOUT_MS,
  ): Promise<CommandResult<M>> {
    await this.connection(connectWithinMs);
    const reply = await this.transport.call(method, params, signal);
    if ('error' in reply) throw ApiError.from(reply.error);
    const checked = COMMANDS[method].result.safeParse(reply.result);
    if (!checked.success) {
      throw new ApiError(
        'INVALID_RESULT',
        `The panel at ${this.url} answered ${method} in a form this panel does not know.`,
      );
    }
    return checked.data as CommandResult<M>;
  }

  close(): void {
    this.transport.close();
  }

  private connection(withinMs: number): Promise<void> {
    if (this.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        stop();
        reject(
          new ApiError('UNREACHABLE', `No API connection to the panel at ${this.url} within ${withinMs} ms.`),
        );
      }, withinMs);
      const stop = this.transport.onConnection((up) => {
        if (!up) return;
        clearTimeout(timer);
        queueMicrotask(() => stop());
        resolve();
      });
    });
  }
}
