import { readFileSync } from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import {
  ApiError,
  COMMANDS,
  EVENTS,
  MAX_MESSAGE_BYTES,
  ServerMessage,
  type CommandName,
  type CommandParams,
  type CommandResult,
  type EventName,
  type EventPayload,
} from '../shared/api';
import { PANEL_LINK_FILE, PanelLink } from '../shared/panel-link';
import { defaultDataDir } from '../electron/services/paths';
import { CliError, EXIT } from './exit-codes';
import { chooseToken, TokenSourceError } from '../electron/services/headless/token-source';
import { isSameProcess } from '../electron/services/headless/process-identity';

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

type Pending = { resolve: (result: unknown) => void; reject: (error: unknown) => void; method: CommandName };

/**
 * The typed API over the headless panel's WebSocket, as the UI uses it: every reply and event is
 * checked against the shared zod schemas, and a panel error arrives as an ApiError.
 */
export class PanelConnection {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<(event: string, payload: unknown) => void>();

  private constructor(
    private readonly socket: WebSocket,
    private readonly timeoutMs: number,
  ) {
    socket.on('message', (data) => this.receive(data.toString()));
    socket.on('close', (code) => {
      const lost = new CliError(
        EXIT.connect,
        code === 1009
          ? `The panel refused a message over its size limit of ${MAX_MESSAGE_BYTES / 1024} KB.`
          : 'The panel closed the connection.',
      );
      for (const { reject } of this.pending.values()) reject(lost);
      this.pending.clear();
    });
  }

  /** `timeoutMs`: for connecting, and for each call (`--timeout`). */
  static open(target: Target, timeoutMs = DEFAULT_TIMEOUT_S * 1000): Promise<PanelConnection> {
    const wsUrl = `${target.url.replace(/^http/, 'ws')}/api/ws`;
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(wsUrl, {
        headers: { Authorization: `Bearer ${target.token}` },
        handshakeTimeout: timeoutMs,
        maxPayload: MAX_MESSAGE_BYTES * 64,
      });
      socket.once('open', () => resolve(new PanelConnection(socket, timeoutMs)));
      socket.once('unexpected-response', (_request, response) => {
        const status = response.statusCode ?? 0;
        socket.terminate();
        reject(
          new CliError(
            EXIT.connect,
            status === 401
              ? `The panel at ${target.url} refused the token (401 Unauthorized).`
              : `The panel at ${target.url} refused the connection (HTTP ${status}).`,
          ),
        );
      });
      socket.once('error', (error) =>
        reject(new CliError(EXIT.connect, `Cannot connect to the panel at ${target.url}: ${error.message}`)),
      );
    });
  }

  /** `extraMs`: time the command itself is planned to take (an SLA test), on top of the deadline. */
  async call<M extends CommandName>(
    method: M,
    params: CommandParams<M>,
    signal?: AbortSignal,
    extraMs = 0,
  ): Promise<CommandResult<M>> {
    const id = this.nextId++;
    const message = JSON.stringify({ id, method, params });
    const bytes = Buffer.byteLength(message);
    if (bytes > MAX_MESSAGE_BYTES) {
      throw new CliError(
        EXIT.usage,
        `The request is ${Math.ceil(bytes / 1024)} KB; the panel takes at most ${MAX_MESSAGE_BYTES / 1024} KB per message. Use a smaller file.`,
      );
    }
    const deadlineMs = this.timeoutMs + extraMs;
    let timer: NodeJS.Timeout | undefined;
    const raw = await new Promise<unknown>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      signal?.addEventListener('abort', () => this.send({ id, cancel: true }), { once: true });
      timer = setTimeout(() => {
        this.pending.delete(id);
        this.send({ id, cancel: true });
        reject(
          new CliError(
            EXIT.connect,
            `The panel did not answer within ${Math.round(deadlineMs / 1000)} s (--timeout); it may be paused or overloaded.`,
          ),
        );
      }, deadlineMs);
      if (this.socket.readyState === WebSocket.OPEN) this.socket.send(message);
    }).finally(() => clearTimeout(timer));
    const checked = COMMANDS[method].result.safeParse(raw);
    if (!checked.success)
      throw new CliError(
        EXIT.failed,
        `The panel's answer to ${method} is not valid: ${checked.error.message}`,
      );
    return checked.data as CommandResult<M>;
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    const wrapped = (name: string, payload: unknown) => {
      if (name !== event) return;
      const parsed = EVENTS[event].safeParse(payload);
      if (parsed.success) listener(parsed.data as EventPayload<E>);
    };
    this.listeners.add(wrapped);
    return () => this.listeners.delete(wrapped);
  }

  close(): void {
    this.socket.close();
  }

  private send(message: unknown): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private receive(text: string): void {
    const parsed = ServerMessage.safeParse(safeJson(text));
    if (!parsed.success) return;
    const message = parsed.data;
    if ('event' in message) {
      for (const listener of this.listeners) listener(message.event, message.payload);
      return;
    }
    if (message.id === null) return;
    const waiting = this.pending.get(message.id);
    if (!waiting) return;
    this.pending.delete(message.id);
    if ('error' in message) waiting.reject(ApiError.from(message.error));
    else waiting.resolve(message.result);
  }
}
