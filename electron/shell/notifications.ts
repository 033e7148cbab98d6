import { app, Notification } from 'electron';
import type { MetricsTick, WindowName } from '../../shared/metrics';
import type { RelayStatus } from '../../shared/relay-status';
import type { TierName } from '../../shared/tiers';
import { APP_ID } from './app-identity';
import {
  crashLoopNotice,
  EpisodeGate,
  slaBreachNotice,
  slaTransition,
  type NoticeText,
} from './notification-policy';

export interface NotifierOptions {
  /** settings.notifications, read at the moment a notice would show (the user may turn it off). */
  readonly enabled: () => boolean;
  /** Shown beside the text where the OS supports it (Linux, Windows); an app icon PNG. */
  readonly icon?: string;
  /** Clicking a notice: bring the panel forward. */
  readonly onClick?: () => void;
  /** For tests and tuning: see EpisodeGate. */
  readonly quietMs?: number;
}

export interface Notifier {
  /** A crash loop began: notifies once per crash loop, however often it is called during it. */
  notifyCrashLoop(message: string | null): void;
  /**
   * The tier's SLA is breached now: call it at every evaluation while it is; it notifies once per
   * breach (a breach of another tier is a new one). Call `slaRecovered` when the figure is back.
   */
  notifySlaBreach(tier: TierName, compliance: number, objective: number): void;
  slaRecovered(): void;
  /** Feed every relay.state event here: crash-loop entry notifies, leaving it ends the episode. */
  observeRelayStatus(status: RelayStatus): void;
  /**
   * Feed every metrics.tick event here: the window's SLA verdict drives notifySlaBreach and
   * slaRecovered. The 15-minute window by default: at 10 probes a second it holds the ~3,000 samples
   * a 99.9% objective needs to be decided, and it still reacts within minutes.
   */
  observeMetricsTick(tick: MetricsTick, window?: WindowName): void;
}

const CRASH_LOOP = 'crash-loop';
const SLA = 'sla:';

/**
 * Native notifications for the two things an operator must hear about while the panel is in the
 * background: the supervisor giving up on the relay, and an SLA breach. Only when
 * settings.notifications is on; the dedupe state is kept either way, so turning notifications on in
 * the middle of a breach does not pop a stale notice.
 */
export function createNotifier(options: NotifierOptions): Notifier {
  const gate = new EpisodeGate(options.quietMs);
  // Electron drops a Notification's click handler if the object is garbage collected while shown.
  const shown = new Set<Notification>();

  const show = (text: NoticeText): void => {
    if (!options.enabled() || !Notification.isSupported()) return;
    const notification = new Notification({
      title: text.title,
      body: text.body,
      ...(options.icon ? { icon: options.icon } : {}),
    });
    shown.add(notification);
    const forget = () => shown.delete(notification);
    notification.on('click', () => {
      forget();
      options.onClick?.();
    });
    notification.on('close', forget);
    notification.on('failed', forget);
    notification.show();
  };

  const notifyCrashLoop = (message: string | null): void => {
    if (gate.enter(CRASH_LOOP)) show(crashLoopNotice(message));
  };

  const notifySlaBreach = (tier: TierName, compliance: number, objective: number): void => {
    const key = `${SLA}${tier}`;
    gate.clearOthers(SLA, key);
    if (gate.enter(key)) show(slaBreachNotice(tier, compliance, objective));
  };
  const slaRecovered = (): void => gate.clearOthers(SLA, '');

  return {
    notifyCrashLoop,
    notifySlaBreach,
    slaRecovered,
    observeRelayStatus(status) {
      if (status.state === 'crash-loop') notifyCrashLoop(status.message);
      else gate.clear(CRASH_LOOP);
    },
    observeMetricsTick(tick, window = '15m') {
      const sla = tick.windows[window].sla;
      const transition = slaTransition(sla);
      if (transition === 'breach') notifySlaBreach(tick.tier, sla.compliance ?? 0, sla.objective);
      else if (transition === 'recovered') slaRecovered();
    },
  };
}

/**
 * Windows shows a notification only for an app with an AppUserModelID that matches its Start menu
 * shortcut; the NSIS installer creates that shortcut with the appId. Call once, before any notice.
 */
export function prepareNotifications(): void {
  if (process.platform === 'win32') app.setAppUserModelId(APP_ID);
}
