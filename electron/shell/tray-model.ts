// What the tray shows for a relay status, without Electron: electron/shell/tray.ts renders it. The
// menu template only uses Electron's types, so this module is unit-tested in plain Node.
import type { MenuItemConstructorOptions } from 'electron';
import {
  RELAY_STATE_LABEL,
  type RelayState,
  type RelayStatus,
  syncLabel,
  syncingOf,
} from '../../shared/relay-status';
import { TIER_NAMES, type TierName } from '../../shared/tiers';

/** The icon files in build/icons/tray (and <resources>/icons/tray when packaged): NAME.png, NAME@2x.png. */
export const TRAY_ICON_NAMES = ['running', 'degraded', 'crash-loop', 'stopped'] as const;
export type TrayIconName = (typeof TRAY_ICON_NAMES)[number];

/**
 * Green when serving, amber when serving badly or about to retry, red when the supervisor gave up,
 * grey when nothing serves. Starting and stopping are grey: nothing is serving yet (or any more).
 */
const ICON_BY_STATE: Record<RelayState, TrayIconName> = {
  running: 'running',
  degraded: 'degraded',
  backoff: 'degraded',
  'crash-loop': 'crash-loop',
  stopped: 'stopped',
  starting: 'stopped',
  stopping: 'stopped',
};

export interface TrayView {
  readonly icon: TrayIconName;
  readonly tooltip: string;
  readonly statusLabel: string;
  readonly canStart: boolean;
  readonly canStop: boolean;
  readonly tier: TierName;
}

export function trayView(status: RelayStatus): TrayView {
  const state = status.state;
  const sync = syncingOf(status);
  // While catching up the relay is not live: say so, with progress, rather than "Running".
  const label = sync ? syncLabel(sync) : RELAY_STATE_LABEL[state];
  return {
    icon: ICON_BY_STATE[state],
    tooltip: `Sprint Control: relay ${label.toLowerCase()} (${tierLabel(status.tier)})`,
    statusLabel: `Relay: ${label} · ${tierLabel(status.tier)}`,
    // Start where nothing runs; a crash loop is stopped too, and Start is how to try again.
    canStart: state === 'stopped' || state === 'crash-loop',
    // Stop wherever something runs or will run; in a crash loop it clears the state (and the demo peer).
    canStop: state !== 'stopped' && state !== 'stopping',
    tier: status.tier,
  };
}

/** Equal keys render the same tray: relay.state arrives every second while the relay runs. */
export function trayViewKey(view: TrayView): string {
  return JSON.stringify(view);
}

export function tierLabel(tier: TierName): string {
  return tier.charAt(0).toUpperCase() + tier.slice(1);
}

export interface TrayActions {
  readonly onStart: () => void;
  readonly onStop: () => void;
  readonly onSelectTier: (tier: TierName) => void;
  readonly onShow: () => void;
  readonly onQuit: () => void;
}

export function trayMenuTemplate(view: TrayView, actions: TrayActions): MenuItemConstructorOptions[] {
  return [
    { label: view.statusLabel, enabled: false },
    { type: 'separator' },
    { label: 'Start relay', enabled: view.canStart, click: () => actions.onStart() },
    { label: 'Stop relay', enabled: view.canStop, click: () => actions.onStop() },
    {
      label: 'Tier',
      submenu: TIER_NAMES.map((tier): MenuItemConstructorOptions => ({
        label: tierLabel(tier),
        type: 'radio',
        checked: tier === view.tier,
        // Choosing the current tier again must not restart the relay.
        click: () => {
          if (tier !== view.tier) actions.onSelectTier(tier);
        },
      })),
    },
    { type: 'separator' },
    { label: 'Show Sprint Control', click: () => actions.onShow() },
    { label: 'Quit Sprint Control', click: () => actions.onQuit() },
  ];
}
