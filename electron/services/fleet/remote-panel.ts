import WebSocket from 'ws';
import { ApiError, type CommandName, type CommandParams, type CommandResult } from '../../../shared/api';
import { createApiClient, type ApiClient } from '../../../shared/api/client';
import { webSocketApiTransport } from '../../../shared/api/ws-client';
import { FetchError, getText } from './http-get';

/** Largest message taken from a remote panel: a listing or a result is a few kilobytes. */
export const REMOTE_MAX_MESSAGE_BYTES = 1024 * 1024;
/** A command a remote panel has not answered within this is given up (tier switches wait for ready). */
export const REMOTE_COMMAND_DEADLINE_MS = 30_000;
/** Calls given up on a socket before it is replaced: a panel that stopped answering holds no memory. */
const MAX_ABANDONED_CALLS = 8;

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
    await getText(`${url}/`, { headers: { authorization: `Bearer ${token}` } });
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
 * token: the same client and transport as the UI and the CLI (shared/api/client.ts).
 */
export class RemotePanel {
  private readonly client: ApiClient;

  constructor(
    readonly url: string,
    readonly token: string,
  ) {
    const wsUrl = `${url.replace(/^http/, 'ws')}${API_SOCKET_PATH}`;
    const peerName = `the panel at ${url}`;
    const openTransport = () =>
      webSocketApiTransport(
        () => {
          const ws = new WebSocket(wsUrl, {
            headers: { authorization: `Bearer ${token}` },
            handshakeTimeout: CONNECT_TIMEOUT_MS,
            // A larger message closes the socket (1009) instead of being held in memory.
            maxPayload: REMOTE_MAX_MESSAGE_BYTES,
          });
          // A refused handshake (401) surfaces as an error then a close; the close reconnects.
          ws.on('error', () => undefined);
          return ws;
        },
        { peerName },
      );
    this.client = createApiClient(openTransport, {
      peerName,
      deadlineMs: REMOTE_COMMAND_DEADLINE_MS,
      connectWithinMs: CONNECT_TIMEOUT_MS,
      maxAbandoned: MAX_ABANDONED_CALLS,
    });
  }

  /**
   * `connectWithinMs`: how long to wait for the socket when it is down (a listing waits less);
   * `deadlineMs`: how long the whole call may take, connection included.
   */
  call<M extends CommandName>(
    method: M,
    params: CommandParams<M>,
    signal?: AbortSignal,
    connectWithinMs = CONNECT_TIMEOUT_MS,
    deadlineMs = REMOTE_COMMAND_DEADLINE_MS,
  ): Promise<CommandResult<M>> {
    return this.client.call(method, params, signal, { connectWithinMs, deadlineMs });
  }

  close(): void {
    this.client.close();
  }
}
