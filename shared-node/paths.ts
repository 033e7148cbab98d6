import os from 'node:os';
import path from 'node:path';

export const APP_FOLDER_NAME = 'Sprint Control';

/**
 * The OS's user-data folder for the app, the same one Electron's app.getPath('userData') picks, so
 * the app and headless mode on one machine share settings and history.
 */
export function defaultDataDir(platform = process.platform, env = process.env): string {
  const home = os.homedir();
  if (platform === 'win32')
    return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_FOLDER_NAME);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_FOLDER_NAME);
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), APP_FOLDER_NAME);
}
