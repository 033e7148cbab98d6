import WebSocket from 'ws';
import {
  ApiError,
  COMMANDS,
  describeIssues,
  type CommandName,
  type CommandParams,
  type CommandResult,
} from '../../../shared/api';
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
 * token: the same envelope and transport code as the UI (shared/api/ws-client.ts).
 */
export class RemotePanel {
  private transport;
  private connected = false;
  private abandoned = 0;

  constructor(
    readonly url: string,
    readonly token: string,
  ) {
    this.transport = this.openTransport();
  }

  private openTransport() {
    const wsUrl = `${this.url.replace(/^http/, 'ws')}${API_SOCKET_PATH}`;
    const transport = webSocketApiTransport(
      () => {
        const ws = new WebSocket(wsUrl, {
          headers: { authorization: `Bearer ${this.token}` },
          handshakeTimeout: 5000,
          // A larger message closes the socket (1009) instead of being held in memory.
          maxPayload: REMOTE_MAX_MESSAGE_BYTES,
        });
        // A refused handshake (401) surfaces as an error then a close; the close reconnects.
        ws.on('error', () => undefined);
        return ws;
      },
      { peerName: `the panel at ${this.url}` },
    );
    transport.onConnection((up) => {
      // A replaced transport's last close must not mark its successor down.
      if (this.transport === transport) this.connected = up;
    });
    return transport;
  }

  /**
   * `connectWithinMs`: how long to wait for the socket when it is down (a listing waits less);
   * `deadlineMs`: how long the whole call may take, connection included.
   */
  async call<M extends CommandName>(
    method: M,
    params: CommandParams<M>,
    signal?: AbortSignal,
    connectWithinMs = CONNECT_TIMEOUT_MS,
    deadlineMs = REMOTE_COMMAND_DEADLINE_MS,
  ): Promise<CommandResult<M>> {
    const began = Date.now();
    await this.connection(Math.min(connectWithinMs, deadlineMs));
    const abort = new AbortController();
    const onAbort = () => abort.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => {
          abort.abort();
          this.abandon();
          reject(
            new ApiError('UNREACHABLE', `The panel at ${this.url} did not answer within ${deadlineMs} ms.`),
          );
        },
        Math.max(0, deadlineMs - (Date.now() - began)),
      );
    });
    let reply;
    try {
      reply = await Promise.race([this.transport.call(method, params, abort.signal), late]);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
    if ('error' in reply) throw ApiError.from(reply.error);
    const checked = COMMANDS[method].result.safeParse(reply.result);
    if (!checked.success) {
      // A remote's absurd figure is named (e.g. "rows.0.tip: too big"), the command is not.
      throw new ApiError(
        'INVALID_RESULT',
        `The panel at ${this.url} answered with values this panel does not accept: ${describeIssues(checked.error)}.`,
      );
    }
    return checked.data as CommandResult<M>;
  }

  /** A call given up keeps its slot in the transport until answered: past a few, start afresh. */
  private abandon(): void {
    if (++this.abandoned < MAX_ABANDONED_CALLS) return;
    this.abandoned = 0;
    this.transport.close();
    this.connected = false;
    this.transport = this.openTransport();
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
