import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { ApiError, COMMAND_NAMES } from '../../shared/api';
import { toApiError, type Dispatch } from '../services/api/dispatcher';
import type { EventBus } from '../services/api/event-bus';
import { IPC_CANCEL, IPC_EVENT, ipcChannel, type IpcReply } from './ipc-channels';

/**
 * The only place that touches ipcMain (enforced by lint). One handler per command, each checking the
 * sender frame before the dispatcher validates the payload: a frame that is not our own UI (an
 * injected iframe, a page navigated elsewhere) gets FORBIDDEN_SENDER and nothing runs.
 */
export function bindIpcApi(options: {
  dispatch: Dispatch;
  events: EventBus;
  isTrustedUrl: (url: string) => boolean;
  targets: () => WebContents[];
}): () => void {
  const inflight = new Map<string, AbortController>();
  const trusted = (event: { senderFrame: { url: string } | null; sender: WebContents }): boolean =>
    event.senderFrame !== null &&
    options.isTrustedUrl(event.senderFrame.url) &&
    options.targets().includes(event.sender);

  for (const method of COMMAND_NAMES) {
    ipcMain.handle(
      ipcChannel(method),
      async (event: IpcMainInvokeEvent, params: unknown, requestId: unknown) => {
        if (!trusted(event)) {
          return {
            error: new ApiError(
              'FORBIDDEN_SENDER',
              'This window may not call the Sprint Control API.',
            ).toJSON(),
          };
        }
        const key = typeof requestId === 'string' ? `${event.sender.id}:${requestId}` : null;
        const controller = new AbortController();
        if (key) inflight.set(key, controller);
        try {
          return {
            result: await options.dispatch(method, params, { signal: controller.signal }),
          } satisfies IpcReply;
        } catch (error) {
          return { error: toApiError(error).toJSON() } satisfies IpcReply;
        } finally {
          if (key) inflight.delete(key);
        }
      },
    );
  }
  ipcMain.on(IPC_CANCEL, (event, requestId: unknown) => {
    if (trusted(event) && typeof requestId === 'string')
      inflight.get(`${event.sender.id}:${requestId}`)?.abort();
  });

  const unsubscribe = options.events.subscribe((envelope) => {
    for (const contents of options.targets()) if (!contents.isDestroyed()) contents.send(IPC_EVENT, envelope);
  });
  return () => {
    unsubscribe();
    for (const method of COMMAND_NAMES) ipcMain.removeHandler(ipcChannel(method));
    ipcMain.removeAllListeners(IPC_CANCEL);
  };
}
