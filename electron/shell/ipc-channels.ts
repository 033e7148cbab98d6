import type { ApiErrorShape, CommandName } from '../../shared/api';

/** Channel names shared by the IPC binding and the preload; nothing else names a channel. */
export const ipcChannel = (method: CommandName): string => `sprint:${method}`;
export const IPC_EVENT = 'sprint:event';
export const IPC_CANCEL = 'sprint:cancel';

/** ipcMain.handle loses an Error's type and fields, so answers travel as plain envelopes. */
export type IpcReply = { result: unknown } | { error: ApiErrorShape };
