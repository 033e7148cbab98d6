// Sandboxed preload: exposes narrow, named functions on window.sprint, one per API command, each
// bound to its own channel. The renderer never sees ipcRenderer or can name a channel itself.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { COMMAND_NAMES, type CommandName } from '../shared/api/commands';
import { IPC_CANCEL, IPC_EVENT, ipcChannel, type IpcReply } from './shell/ipc-channels';

type CommandFunction = (params: unknown, requestId?: string) => Promise<IpcReply>;

const commands = Object.fromEntries(
  COMMAND_NAMES.map((method: CommandName) => {
    const channel = ipcChannel(method);
    const call: CommandFunction = (params, requestId) => ipcRenderer.invoke(channel, params, requestId);
    return [method, call];
  }),
) as Record<CommandName, CommandFunction>;

contextBridge.exposeInMainWorld('sprint', {
  commands: Object.freeze(commands),
  cancel: (requestId: string) => ipcRenderer.send(IPC_CANCEL, requestId),
  onEvent: (listener: (envelope: { event: string; payload: unknown }) => void) => {
    const wrapped = (_event: IpcRendererEvent, envelope: { event: string; payload: unknown }) =>
      listener(envelope);
    ipcRenderer.on(IPC_EVENT, wrapped);
    return () => ipcRenderer.removeListener(IPC_EVENT, wrapped);
  },
});
