import { app } from 'electron';
import os from 'node:os';
import {
  applyAutostartFileAction,
  autostartDesktopFileAction,
  linuxLoginExecutable,
} from './autostart-desktop-file';

/** The part of the settings store this needs (electron/services/settings/settings-store.ts). */
export interface StartAtLoginSettings {
  get(): { readonly startAtLogin: boolean };
  onChange(listener: (settings: { readonly startAtLogin: boolean }) => void): () => void;
}

/**
 * Registers or unregisters the app to start at login: the OS's login items on macOS and Windows,
 * an XDG autostart entry on Linux (where setLoginItemSettings is not supported).
 *
 * Only for the packaged app: unpackaged, process.execPath is the bare Electron binary, and
 * registering it would open Electron's default app at every login. Returns what it did, for logs.
 */
export function applyStartAtLogin(enabled: boolean): string {
  if (!app.isPackaged) return 'start at login skipped: not a packaged app';
  if (process.platform === 'linux') {
    const action = autostartDesktopFileAction({
      enabled,
      execPath: linuxLoginExecutable(process.execPath, process.env),
      home: os.homedir(),
      xdgConfigHome: process.env.XDG_CONFIG_HOME,
    });
    applyAutostartFileAction(action);
    return `${action.kind === 'write' ? 'wrote' : 'removed'} ${action.path}`;
  }
  if (app.getLoginItemSettings().openAtLogin === enabled)
    return `login item already ${enabled ? 'on' : 'off'}`;
  app.setLoginItemSettings({ openAtLogin: enabled });
  return `login item turned ${enabled ? 'on' : 'off'}`;
}

/**
 * Applies settings.startAtLogin now and whenever it changes (other settings changes are ignored).
 * A failure (a read-only home, a policy-managed login items list) is reported, never thrown: it must
 * not stop the app, and the next change tries again.
 */
export function bindStartAtLogin(
  settings: StartAtLoginSettings,
  report: (message: string, error?: unknown) => void = () => undefined,
): () => void {
  let applied: boolean | null = null;
  const sync = (enabled: boolean): void => {
    if (enabled === applied) return;
    try {
      report(applyStartAtLogin(enabled));
      applied = enabled;
    } catch (error) {
      applied = null;
      report(`could not turn start at login ${enabled ? 'on' : 'off'}`, error);
    }
  };
  sync(settings.get().startAtLogin);
  return settings.onChange((next) => sync(next.startAtLogin));
}
