import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ActivityLog } from './activity-log';
import { createDispatcher, type Dispatch, type Handlers } from './api/dispatcher';
import { EventBus } from './api/event-bus';
import { linkMeasurement, openHistory } from './measurement-link';
import type { MeasurementService } from './metrics/measurement-service';
import { createReportExporter, type ReportHost } from './reports/reports-service';
import { SettingsStore } from './settings/settings-store';
import { runSlaTest } from './sla-test/run-sla-test';
import { ApiError } from '../../shared/api';
import type { SlaTestProgress } from '../../shared/sla-test';
import type { SupervisionPolicy } from './supervisor/managed-process';
import { RelayService, type RelayResources } from './supervisor/relay-service';

export interface AppServicesOptions {
  /** The OS user-data folder in the app; a folder of the user's choosing in headless mode. */
  readonly dataDir: string;
  /** The OS's log folder in the app (app.getPath('logs')); defaults to <dataDir>/logs. */
  readonly logsDir?: string;
  readonly resources: RelayResources;
  readonly policy?: Partial<SupervisionPolicy>;
  /** Desktop-only abilities (save dialog, printToPDF); headless mode leaves them out. */
  readonly reportHost?: ReportHost;
}

export interface AppServices {
  readonly dispatch: Dispatch;
  readonly events: EventBus;
  readonly settings: SettingsStore;
  readonly relay: RelayService;
  readonly measurement: MeasurementService;
  /** Folder of exported reports (headless mode serves downloads from it). */
  readonly reportsDir: string;
  /** Stops every child gracefully and flushes history; the app awaits this before quitting. */
  dispose(): Promise<void>;
  /** Last resort on abrupt exit: SIGKILL every child group synchronously. */
  killNow(): void;
}

/**
 * The composition root for everything behind the API, in plain Node: Electron's main process and
 * headless mode both build exactly this and only differ in the transport they put in front of it.
 */
export function createAppServices(options: AppServicesOptions): AppServices {
  mkdirSync(options.dataDir, { recursive: true });
  const events = new EventBus();
  const settings = new SettingsStore(path.join(options.dataDir, 'settings.json'));
  const relay = new RelayService({
    settings,
    resources: options.resources,
    panelKey: randomBytes(24).toString('hex'),
    pidFilePath: path.join(options.dataDir, 'relay.pid'),
    dataDir: options.dataDir,
    policy: options.policy,
  });
  relay.on((event) => {
    if (event.kind === 'state') events.emit('relay.state', event.status);
  });
  settings.onChange((next) => events.emit('settings.changed', next));
  const activity = new ActivityLog(options.logsDir ?? path.join(options.dataDir, 'logs'), relay, events);
  const notice = (message: string) => activity.note('panel', 'warn', message);
  const history = openHistory(path.join(options.dataDir, 'history.sqlite'), settings, notice);
  const link = linkMeasurement({
    relay,
    settings,
    history,
    resources: options.resources,
    events,
    activity,
  });
  const { measurement } = link;
  const reportsDir = path.join(options.dataDir, 'reports');
  const exportReport = createReportExporter({
    dir: reportsDir,
    measurement,
    relay,
    events,
    host: options.reportHost ?? {},
  });

  let slaTestRunning = false;
  const handlers: Handlers = {
    'relay.start': () => relay.start(),
    'relay.stop': () => relay.stop(),
    'relay.restart': () => relay.restart(),
    'relay.status': async () => relay.status(),
    'tier.get': async () => ({ tier: settings.get().tier }),
    'tier.set': ({ tier }) => relay.switchTier(tier),
    'logs.tail': async ({ limit }) => activity.tail(limit),
    'history.query': async (query) => measurement.query(query),
    'report.export': (request, { signal }) => exportReport(request, signal),
    'slaTest.run': async (request, { signal }) => {
      if (slaTestRunning)
        throw new ApiError('BUSY', 'An SLA test is already running; wait for it or cancel it.');
      slaTestRunning = true;
      try {
        const onProgress = (progress: SlaTestProgress) => events.emit('slaTest.progress', progress);
        return await runSlaTest(request, { relay, link, resources: options.resources, signal, onProgress });
      } finally {
        slaTestRunning = false;
      }
    },
    'settings.get': async () => settings.get(),
    'settings.set': async (patch) => settings.update(patch),
  };

  return {
    dispatch: createDispatcher(handlers),
    events,
    settings,
    relay,
    measurement,
    reportsDir,
    dispose: async () => {
      await measurement.detach('stopped');
      await relay.stop();
      await measurement.close();
      history.close();
    },
    killNow: () => relay.killNow(),
  };
}
