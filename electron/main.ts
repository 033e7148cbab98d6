// Electron entry point: builds the plain-Node services, then puts a hardened window, the IPC
// transport, a tray and notifications in front of them. Everything below electron/services runs and
// is tested without Electron.
import { app, BrowserWindow } from 'electron';
import path from 'node:path';
import { createAppServices, type AppServices } from './services/app-services';
import { relayResources } from './services/supervisor/relay-service';
import { resolveAppPaths } from './shell/app-paths';
import { bindIpcApi } from './shell/ipc';
import { bindStartAtLogin } from './shell/login-item';
import { desktopReportHost } from './shell/report-host';
import { safeStorageCodec } from './shell/secret-codec';
import { createNotifier, prepareNotifications } from './shell/notifications';
import { createTray, type TrayHandle } from './shell/tray';
import { createMainWindow, lockDownSession, rendererUrl } from './shell/window';

const resourcesDir = app.isPackaged ? process.resourcesPath : path.join(__dirname, '..');
const rendererDir = path.join(__dirname, '..', 'renderer');
const iconsDir = app.isPackaged
  ? path.join(process.resourcesPath, 'icons')
  : path.join(__dirname, '..', '..', 'build', 'icons');
const preload = path.join(__dirname, 'preload.cjs');

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let services: AppServices | null = null;
  let window: BrowserWindow | null = null;
  let tray: TrayHandle | null = null;

  const showWindow = (): void => {
    if (!window || window.isDestroyed()) {
      window = createMainWindow({ rendererDir, preload });
      return;
    }
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };
  app.on('second-instance', () => {
    if (app.isReady()) showWindow();
  });

  void app.whenReady().then(() => {
    lockDownSession();
    prepareNotifications();
    const paths = resolveAppPaths();
    const started = createAppServices({
      dataDir: paths.dataDir,
      logsDir: paths.logsDir,
      resources: relayResources(path.join(resourcesDir, 'relay')),
      reportHost: desktopReportHost(() => window),
      secretCodec: safeStorageCodec(),
    });
    services = started;
    const own = rendererUrl(rendererDir);
    bindIpcApi({
      dispatch: started.dispatch,
      events: started.events,
      isTrustedUrl: (url) => url.startsWith(own),
      targets: () => BrowserWindow.getAllWindows().map((each) => each.webContents),
    });
    showWindow();

    const { relay, settings } = started;
    tray = createTray({
      iconDir: path.join(iconsDir, 'tray'),
      onStart: () => void relay.start().catch(() => undefined),
      onStop: () => void relay.stop().catch(() => undefined),
      onSelectTier: (tier) => void relay.switchTier(tier).catch(() => undefined),
      onShow: showWindow,
      onQuit: () => app.quit(),
    });
    tray.update(relay.status());
    const notifier = createNotifier({
      enabled: () => settings.get().notifications,
      icon: path.join(iconsDir, 'icon.png'),
      onClick: showWindow,
    });
    started.events.subscribe((envelope) => {
      if (envelope.event === 'relay.state') {
        tray?.update(envelope.payload);
        notifier.observeRelayStatus(envelope.payload);
      } else if (envelope.event === 'metrics.tick') {
        notifier.observeMetricsTick(envelope.payload);
      }
    });
    bindStartAtLogin(settings, (message, error) =>
      error === undefined ? console.info(message) : console.error(message, error),
    );
    if (settings.get().startRelayOnLaunch) void relay.start().catch(() => undefined);
  });

  // Quit only after the relay has stopped gracefully: nothing is left running.
  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting || !services) return;
    event.preventDefault();
    quitting = true;
    tray?.destroy();
    void services.dispose().finally(() => app.exit(0));
  });
  app.on('window-all-closed', () => app.quit());
  process.on('exit', () => services?.killNow());
}
