import { Menu, nativeImage, Tray, type NativeImage } from 'electron';
import path from 'node:path';
import type { RelayStatus } from '../../shared/relay-status';
import {
  TRAY_ICON_NAMES,
  trayMenuTemplate,
  trayView,
  trayViewKey,
  type TrayActions,
  type TrayIconName,
} from './tray-model';

export interface TrayOptions extends TrayActions {
  /**
   * Folder of NAME.png (16 px) and NAME@2x.png (32 px) per TRAY_ICON_NAMES: build/icons/tray from
   * source, <resources>/icons/tray when packaged (see build/electron-builder.config.cjs).
   */
  readonly iconDir: string;
}

export interface TrayHandle {
  /** Re-renders for a relay status; cheap when nothing the tray shows has changed. */
  update(status: RelayStatus): void;
  destroy(): void;
}

/**
 * The tray icon, coloured by relay state, with Start/Stop, the tier as radio items, Show and Quit.
 * The menu is rebuilt only when what it shows changes: relay.state arrives every second while the
 * relay runs, and replacing the menu of an open tray menu closes it on Linux.
 */
export function createTray(options: TrayOptions): TrayHandle {
  // Loading NAME.png lets nativeImage pick NAME@2x.png by itself on HiDPI displays.
  const images = new Map<TrayIconName, NativeImage>(
    TRAY_ICON_NAMES.map((name) => [
      name,
      nativeImage.createFromPath(path.join(options.iconDir, `${name}.png`)),
    ]),
  );
  const image = (name: TrayIconName): NativeImage => images.get(name) ?? nativeImage.createEmpty();
  const tray = new Tray(image('stopped'));
  tray.setToolTip('Sprint Control');
  // Windows convention: left click opens the app, right click the menu. macOS and Linux
  // (AppIndicator) open the menu on click and deliver no click event worth handling.
  if (process.platform === 'win32') tray.on('click', () => options.onShow());

  let lastKey: string | null = null;
  return {
    update(status) {
      const view = trayView(status);
      const key = trayViewKey(view);
      if (key === lastKey || tray.isDestroyed()) return;
      lastKey = key;
      tray.setImage(image(view.icon));
      tray.setToolTip(view.tooltip);
      // Linux needs setContextMenu again after any change to the menu; on every OS it is the way.
      tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(view, options)));
    },
    destroy() {
      if (!tray.isDestroyed()) tray.destroy();
    },
  };
}
