import { app } from 'electron';

export interface AppPaths {
  /** Settings, history and the relay pidfile: the OS's per-user application data folder. */
  readonly dataDir: string;
  /** relay.log and its rotations: the OS's log folder for the app. */
  readonly logsDir: string;
}

/**
 * Where the desktop app keeps its data and logs. `app.getPath('logs')` only has a home on every OS
 * after `app.setAppLogsPath()`: called without a path it picks ~/Library/Logs/Sprint Control on
 * macOS and <userData>/logs on Windows and Linux. userData is <appData>/Sprint Control (the
 * productName), the same folder headless mode defaults to (electron/services/paths.ts), so the app
 * and `npm run serve` on one machine share settings and history.
 */
export function resolveAppPaths(): AppPaths {
  app.setAppLogsPath();
  return { dataDir: app.getPath('userData'), logsDir: app.getPath('logs') };
}
