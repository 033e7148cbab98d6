// Electron entry point: builds the plain-Node services, then puts a hardened window and the IPC
// transport in front of them. Everything below electron/services runs and is tested without Electron.
import { app, BrowserWindow } from 'electron';
import path from 'node:path';
import { createAppServices, type AppServices } from './services/app-services';
import { bindIpcApi } from './shell/ipc';
import { createMainWindow, lockDownSession, rendererUrl } from './shell/window';

const resourcesDir = app.isPackaged ? process.resourcesPath : path.join(__dirname, '..');
const rendererDir = path.join(__dirname, '..', 'renderer');

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let services: AppServices | null = null;
  let window: BrowserWindow | null = null;

  app.on('second-instance', () => {
    if (window?.isMinimized()) window.restore();
    window?.focus();
  });

  void app.whenReady().then(() => {
    lockDownSession();
    services = createAppServices({
      dataDir: app.getPath('userData'),
      resources: {
        execPath: process.execPath,
        relayScript: path.join(resourcesDir, 'relay', 'relay.mjs'),
        demoPeerScript: path.join(resourcesDir, 'relay', 'demo-peer.mjs'),
      },
    });
    const own = rendererUrl(rendererDir);
    bindIpcApi({
      dispatch: services.dispatch,
      events: services.events,
      isTrustedUrl: (url) => url.startsWith(own),
      targets: () => BrowserWindow.getAllWindows().map((each) => each.webContents),
    });
    window = createMainWindow({ rendererDir, preload: path.join(__dirname, 'preload.cjs') });
    if (services.settings.get().startRelayOnLaunch) void services.relay.start().catch(() => undefined);
  });

  // Quit only after the relay has stopped gracefully: nothing is left running.
  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting || !services) return;
    event.preventDefault();
    quitting = true;
    void services.dispose().finally(() => app.exit(0));
  });
  app.on('window-all-closed', () => app.quit());
  process.on('exit', () => services?.killNow());
}
