import { ApiError, describeIssues, type ApiErrorCode } from './api-error';
import { COMMANDS, type CommandName, type CommandParams, type CommandResult } from './commands';
import { EVENTS, type EventName, type EventPayload } from './events';
import type { ConnectionFailure, Transport } from './ws-client';

/**
 * The typed API client: the UI (over IPC or the headless WebSocket), the CLI and the fleet's remote
 * panels all call the panel through this. Results and events are checked against the shared
 * schemas; every failure arrives as an ApiError, and one that happened on this side of the
 * connection (no answer, token refused, request too large, deadline) as its ConnectionError.
 */
export interface ApiClient {
  call<M extends CommandName>(
    method: M,
    params: CommandParams<M>,
    signal?: AbortSignal,
    options?: CallOptions,
  ): Promise<CommandResult<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  onConnection(listener: (connected: boolean) => void): () => void;
  /** Resolves once connected; rejects with a ConnectionError after `withinMs` or when it cannot be. */
  connected(withinMs: number): Promise<void>;
  close(): void;
}

export interface CallOptions {
  /** The whole call, the wait for a connection included; default: the client's `deadlineMs`. */
  readonly deadlineMs?: number;
  /** How long to wait for the connection when it is down; default: the client's `connectWithinMs`. */
  readonly connectWithinMs?: number;
}

export interface ApiClientOptions {
  /** Who answers, for messages: "the panel" (default) or "the panel at URL". */
  readonly peerName?: string;
  /** Deadline of each call in ms; none by default (the UI: its own panel over IPC or loopback). */
  readonly deadlineMs?: number;
  /** How long a call waits for a connection that is down; 0 (default) fails at once, saying so. */
  readonly connectWithinMs?: number;
  /** Calls given up at their deadline before the transport is replaced by a fresh one; default 8. */
  readonly maxAbandoned?: number;
}

/** A failure on this side of the connection; `failure` says which, so a caller can choose its exit. */
export class ConnectionError extends ApiError {
  constructor(
    code: ApiErrorCode,
    message: string,
    readonly failure: ConnectionFailure,
    details?: unknown,
  ) {
    super(code, message, details);
  }
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * `transport`: one transport, or a function opening one (then a transport whose calls keep being
 * given up is closed and replaced, so a mute peer holds no memory).
 */
export function createApiClient(
  transport: Transport | (() => Transport),
  options: ApiClientOptions = {},
): ApiClient {
  const peer = options.peerName ?? 'the panel';
  const open = typeof transport === 'function' ? transport : null;
  let current: Transport = open ? open() : (transport as Transport);
  let isUp = false;
  let abandoned = 0;
  const eventListeners = new Set<(event: string, payload: unknown) => void>();
  const connectionListeners = new Set<(connected: boolean) => void>();
  let unsubscribe: (() => void)[] = [];

  const attach = (t: Transport) => {
    unsubscribe = [
      t.onEvent((event, payload) => {
        for (const listener of eventListeners) listener(event, payload);
      }),
      t.onConnection((up) => {
        // A replaced transport's last close must not mark its successor down.
        if (current !== t) return;
        isUp = up;
        for (const listener of connectionListeners) listener(up);
      }),
    ];
  };
  attach(current);

  const abandon = () => {
    if (!open || ++abandoned < (options.maxAbandoned ?? 8)) return;
    abandoned = 0;
    for (const stop of unsubscribe) stop();
    const old = current;
    current = open();
    isUp = false;
    old.close?.();
    attach(current);
  };

  const connected = (withinMs: number): Promise<void> => {
    if (isUp) return Promise.resolve();
    const t = current;
    const timedOut = () =>
      new ConnectionError('UNREACHABLE', `No API connection to ${peer} within ${withinMs} ms.`, 'deadline', {
        deadlineMs: withinMs,
      });
    // Given up for good (a one-shot connection refused): why, when the transport knows.
    const notConnected = () => t.failure?.() ?? timedOut();
    const asConnectionError = (error: ApiError) =>
      error instanceof ConnectionError
        ? error
        : new ConnectionError(
            error.code,
            error.message,
            error.code === 'UNAUTHORIZED' ? 'refused' : 'unreachable',
            error.details,
          );
    if (t.ended?.() || withinMs <= 0) return Promise.reject(asConnectionError(notConnected()));
    return new Promise((resolve, reject) => {
      const finish = (error: ApiError | null) => {
        clearTimeout(timer);
        // onConnection may answer at once, before `stop` is assigned.
        queueMicrotask(() => stop());
        if (error) reject(asConnectionError(error));
        else resolve();
      };
      const timer = setTimeout(() => finish(timedOut()), withinMs);
      const stop = t.onConnection((up) => {
        if (up) finish(null);
        else if (t.ended?.()) finish(notConnected());
      });
    });
  };

  return {
    async call(method, params, signal, callOptions = {}) {
      const began = Date.now();
      const deadlineMs = callOptions.deadlineMs ?? options.deadlineMs;
      const connectWithinMs = callOptions.connectWithinMs ?? options.connectWithinMs ?? 0;
      if (connectWithinMs > 0 && !isUp)
        await connected(deadlineMs === undefined ? connectWithinMs : Math.min(connectWithinMs, deadlineMs));
      const t = current;
      let reply;
      if (deadlineMs === undefined) {
        reply = await t.call(method, params, signal);
      } else {
        const abort = new AbortController();
        const onAbort = () => abort.abort();
        signal?.addEventListener('abort', onAbort, { once: true });
        let timer: ReturnType<typeof setTimeout> | undefined;
        const late = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => {
              // The peer is told to stop (a cancel message); the answer is not waited for.
              abort.abort();
              abandon();
              reject(
                new ConnectionError(
                  'UNREACHABLE',
                  `${capitalised(peer)} did not answer within ${deadlineMs} ms.`,
                  'deadline',
                  { deadlineMs },
                ),
              );
            },
            Math.max(0, deadlineMs - (Date.now() - began)),
          );
        });
        try {
          reply = await Promise.race([t.call(method, params, abort.signal), late]);
        } finally {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
        }
      }
      if ('error' in reply) {
        if (reply.failure)
          throw new ConnectionError(
            reply.error.code,
            reply.error.message,
            reply.failure,
            reply.error.details,
          );
        throw ApiError.from(reply.error);
      }
      const checked = COMMANDS[method].result.safeParse(reply.result);
      if (!checked.success) {
        // A peer's absurd figure is named (e.g. "rows.0.tip: too big"), the command is not.
        throw new ApiError(
          'INVALID_RESULT',
          `${capitalised(peer)} answered with values this panel does not accept: ${describeIssues(checked.error)}.`,
        );
      }
      return checked.data as CommandResult<typeof method>;
    },
    on(event, listener) {
      const wrapped = (name: string, payload: unknown) => {
        if (name !== event) return;
        const parsed = EVENTS[event].safeParse(payload);
        if (parsed.success) listener(parsed.data as EventPayload<typeof event>);
      };
      eventListeners.add(wrapped);
      return () => eventListeners.delete(wrapped);
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      listener(isUp);
      return () => connectionListeners.delete(listener);
    },
    connected,
    close() {
      for (const stop of unsubscribe) stop();
      current.close?.();
    },
  };
}
