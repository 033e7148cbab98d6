import { BrowserWindow, session, shell } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** The renderer's entry file as a URL: the only page allowed to load and to call the API. */
export function rendererUrl(rendererDir: string): string {
  return pathToFileURL(path.join(rendererDir, 'index.html')).toString();
}

/** One hardened window: isolated, sandboxed, no Node, no navigation, no new windows, no permissions. */
export function createMainWindow(options: { rendererDir: string; preload: string }): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 860,
    minWidth: 960,
    minHeight: 640,
    show: false,
    title: 'Sprint Control',
    backgroundColor: '#0f1419',
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  const own = rendererUrl(options.rendererDir);
  window.webContents.on('will-navigate', (event, url) => {
    if (!url.startsWith(own)) event.preventDefault();
  });
  window.webContents.on('will-attach-webview', (event) => event.preventDefault());
  window.webContents.setWindowOpenHandler(({ url }) => {
    // Links to documentation open in the user's browser; nothing opens inside the app.
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(own);
  return window;
}

/** Deny every permission request (camera, notifications from the page, …): the UI needs none. */
export function lockDownSession(): void {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
}
