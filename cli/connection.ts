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

export interface Target {
  readonly url: string;
  readonly token: string;
}

/** --url/--token win; else the token file a running headless panel writes in its data folder. */
export function findPanel(options: { url?: string; token?: string; dataDir?: string }): Target {
  if (options.url || options.token) {
    if (!options.url || !options.token) throw new CliError(EXIT.usage, '--url and --token go together.');
    return { url: options.url.replace(/\/+$/, ''), token: options.token };
  }
  const dataDir = options.dataDir ?? process.env.SPRINT_CONTROL_DATA_DIR ?? defaultDataDir();
  const file = path.join(dataDir, PANEL_LINK_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new CliError(
      EXIT.connect,
      `No running panel found (no ${file}). Start one with \`npm run serve\`, or pass --url and --token.`,
    );
  }
  const link = PanelLink.safeParse(safeJson(text));
  if (!link.success) throw new CliError(EXIT.connect, `${file} is not a panel token file.`);
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

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => this.receive(data.toString()));
    socket.on('close', () => {
      const lost = new CliError(EXIT.connect, 'The panel closed the connection.');
      for (const { reject } of this.pending.values()) reject(lost);
      this.pending.clear();
    });
  }

  static open(target: Target, timeoutMs = 5000): Promise<PanelConnection> {
    const wsUrl = `${target.url.replace(/^http/, 'ws')}/api/ws`;
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(wsUrl, {
        headers: { Authorization: `Bearer ${target.token}` },
        handshakeTimeout: timeoutMs,
        maxPayload: MAX_MESSAGE_BYTES * 64,
      });
      socket.once('open', () => resolve(new PanelConnection(socket)));
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

  async call<M extends CommandName>(
    method: M,
    params: CommandParams<M>,
    signal?: AbortSignal,
  ): Promise<CommandResult<M>> {
    const id = this.nextId++;
    const raw = await new Promise<unknown>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      signal?.addEventListener('abort', () => this.send({ id, cancel: true }), { once: true });
      this.send({ id, method, params });
    });
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
