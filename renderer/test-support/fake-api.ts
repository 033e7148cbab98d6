import { ApiError, type CommandName, type CommandParams, type CommandResult } from '../../shared/api';
import type { ApiClient } from '../api/client';

type Handler<M extends CommandName> = (
  params: CommandParams<M>,
  signal?: AbortSignal,
) => CommandResult<M> | Promise<CommandResult<M>>;
export type FakeHandlers = { [M in CommandName]?: Handler<M> };

/** An ApiClient answering from handlers; events and connection can be driven by the test. */
export function fakeApi(handlers: FakeHandlers) {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const connection = new Set<(connected: boolean) => void>();
  const calls: { method: CommandName; params: unknown }[] = [];
  const api: ApiClient = {
    async call(method, params, signal) {
      calls.push({ method, params });
      const handler = handlers[method] as ((p: unknown, s?: AbortSignal) => unknown) | undefined;
      if (!handler) throw new ApiError('UNKNOWN_METHOD', `no fake for ${method}`);
      return (await handler(params, signal)) as never;
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (payload: unknown) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (payload: unknown) => void);
    },
    onConnection(listener) {
      connection.add(listener);
      return () => connection.delete(listener);
    },
  };
  return {
    api,
    calls,
    emit: (event: string, payload: unknown) => listeners.get(event)?.forEach((l) => l(payload)),
    connect: (connected = true) => connection.forEach((l) => l(connected)),
  };
}
