import { readFileSync } from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import {
  ApiError,
  MAX_MESSAGE_BYTES,
  type CommandName,
  type CommandParams,
  type CommandResult,
  type EventName,
  type EventPayload,
} from '../shared/api';
import { ConnectionError, createApiClient } from '../shared/api/client';
import { webSocketApiTransport } from '../shared/api/ws-client';
import { PANEL_LINK_FILE, PanelLink } from '../shared/panel-link';
import { defaultDataDir } from '../shared-node/paths';
import { CliError, EXIT } from './exit-codes';
import { chooseToken, TokenSourceError } from '../shared-node/token-source';
import { isSameProcess } from '../shared-node/process-identity';

/** Default deadline of each call (and of connecting), in seconds: `--timeout` changes it. */
export const DEFAULT_TIMEOUT_S = 30;

export interface Target {
  readonly url: string;
  readonly token: string;
}

/** A panel URL as the user typed it, or a usage error (exit 2) saying what is wrong with it. */
export function checkPanelUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError(EXIT.usage, `--url must be a panel address like http://127.0.0.1:8600, got "${raw}".`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new CliError(EXIT.usage, `--url must start with http:// or https://, got "${raw}".`);
  if (url.search !== '' || url.username !== '')
    throw new CliError(
      EXIT.usage,
      '--url takes the address only; give the token with --token-file or SPRINT_CONTROL_TOKEN.',
    );
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * --url with a token (--token-file, SPRINT_CONTROL_TOKEN, or --token with a warning) wins; else the
 * token file a running headless panel writes in its data folder, used only while the process that
 * wrote it still runs (same pid, same start time): a stale file must not send the token to whatever
 * took the port since.
 */
export function findPanel(options: {
  url?: string;
  token?: string;
  tokenFile?: string;
  dataDir?: string;
  env?: NodeJS.ProcessEnv;
}): Target {
  const checkedUrl = options.url === undefined ? undefined : checkPanelUrl(options.url);
  let token: string | undefined;
  try {
    token = chooseToken({ tokenFile: options.tokenFile, token: options.token }, options.env ?? process.env);
  } catch (error) {
    if (error instanceof TokenSourceError) throw new CliError(EXIT.usage, error.message);
    throw error;
  }
  if (checkedUrl !== undefined) {
    const url = checkedUrl;
    if (!token)
      throw new CliError(
        EXIT.usage,
        "--url needs the panel's token: --token-file FILE or SPRINT_CONTROL_TOKEN.",
      );
    return { url, token };
  }
  if (options.token !== undefined || options.tokenFile !== undefined)
    throw new CliError(EXIT.usage, 'A token goes with --url (the panel it is for).');
  const dataDir = options.dataDir ?? process.env.SPRINT_CONTROL_DATA_DIR ?? defaultDataDir();
  const file = path.join(dataDir, PANEL_LINK_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new CliError(
      EXIT.connect,
      `No running panel found (no ${file}). Start one with \`npm run serve\`, or pass --url and --token-file.`,
    );
  }
  const link = PanelLink.safeParse(safeJson(text));
  if (!link.success) throw new CliError(EXIT.connect, `${file} is not a panel token file.`);
  if (!isSameProcess(link.data.pid, link.data.startTicks)) {
    throw new CliError(
      EXIT.connect,
      `${file} was left by a panel that is no longer running (pid ${link.data.pid}); its token was not sent. Start one with \`npm run serve\`, or pass --url and --token-file.`,
    );
  }
  return { url: link.data.url, token: link.data.token };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The panel as the commands see it: typed calls with the CLI's deadline, failures as exit codes. */
export interface PanelConnection {
  /** `extraMs`: time the command itself is planned to take (an SLA test), on top of the deadline. */
  call<M extends CommandName>(
    method: M,
    params: CommandParams<M>,
    signal?: AbortSignal,
    extraMs?: number,
  ): Promise<CommandResult<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  close(): void;
}

/**
 * Connects to the headless panel's WebSocket with the shared client (shared/api/client.ts), one
 * connection and no reconnecting. `timeoutMs`: for connecting, and for each call (`--timeout`).
 */
export async function openPanel(
  target: Target,
  timeoutMs = DEFAULT_TIMEOUT_S * 1000,
): Promise<PanelConnection> {
  const wsUrl = `${target.url.replace(/^http/, 'ws')}/api/ws`;
  const peerName = `the panel at ${target.url}`;
  const transport = webSocketApiTransport(
    (fail) => {
      const socket = new WebSocket(wsUrl, {
        headers: { Authorization: `Bearer ${target.token}` },
        handshakeTimeout: timeoutMs,
        maxPayload: MAX_MESSAGE_BYTES * 64,
      });
      socket.once('unexpected-response', (_request, response) => {
        const status = response.statusCode ?? 0;
        fail(
          status === 401
            ? new ApiError('UNAUTHORIZED', `The panel at ${target.url} refused the token (401 Unauthorized).`)
            : new ApiError(
                'UNREACHABLE',
                `The panel at ${target.url} refused the connection (HTTP ${status}).`,
              ),
        );
        socket.terminate();
      });
      socket.on('error', (error) =>
        fail(new ApiError('UNREACHABLE', `Cannot connect to the panel at ${target.url}: ${error.message}`)),
      );
      return socket;
    },
    { peerName, reconnect: false, maxRequestBytes: MAX_MESSAGE_BYTES },
  );
  const client = createApiClient(transport, { peerName, deadlineMs: timeoutMs });
  try {
    await client.connected(timeoutMs);
  } catch (error) {
    client.close();
    throw asCliError(error, timeoutMs);
  }
  return {
    async call(method, params, signal, extraMs = 0) {
      try {
        return await client.call(method, params, signal, { deadlineMs: timeoutMs + extraMs });
      } catch (error) {
        throw asCliError(error, timeoutMs + extraMs);
      }
    },
    on: (event, listener) => client.on(event, listener),
    close: () => client.close(),
  };
}

/** What went wrong on this side of the connection, as the exit code scripts rely on. */
function asCliError(error: unknown, deadlineMs: number): unknown {
  if (!(error instanceof ConnectionError)) return error;
  switch (error.failure) {
    case 'too-large':
      return new CliError(EXIT.usage, error.message);
    case 'deadline':
      return new CliError(
        EXIT.connect,
        `The panel did not answer within ${Math.round(deadlineMs / 1000)} s (--timeout); it may be paused or overloaded.`,
      );
    case 'refused':
    case 'unreachable':
      return new CliError(EXIT.connect, error.message);
  }
}
