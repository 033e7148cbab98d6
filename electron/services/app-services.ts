import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { ActivityLog } from './activity-log';
import { createDispatcher, type Dispatch, type Handlers } from './api/dispatcher';
import { EventBus } from './api/event-bus';
import { linkMeasurement, openHistory } from './measurement-link';
import type { MeasurementService } from './metrics/measurement-service';
import { createProfileService } from './profiles/profile-service';
import { activeProfile } from '../../shared/profile';
import { createReportExporter, deliverReport, type ReportHost } from './reports/reports-service';
import { FleetService } from './fleet/fleet-service';
import { FleetStore } from './fleet/fleet-store';
import { createPanelMetrics } from './fleet/panel-metrics';
import { exportRemoteReport } from './fleet/remote-report';
import { FLEET_WINDOW_SECONDS } from '../../shared/fleet';
import { PLAIN_FILE_CODEC, SecretStore, type SecretCodec } from './fleet/secret-store';
import { pruneStoredReports } from './reports/stored-reports';
import { ensurePrivateDir } from './settings/private-files';
import { SettingsStore } from './settings/settings-store';
import { runSlaTest } from './sla-test/run-sla-test';
import { checkRelayBinary } from './conformance/check-binary';
import { createTuningService } from './tuning/tuning-service';
import { ApiError } from '../../shared/api';
import { externalPathProblem } from './supervisor/relay-binary';
import { probeCapabilities } from './launch/probe';
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
  /** How remote panel tokens are kept at rest: the OS credential store in the app, a 0600 file headless. */
  readonly secretCodec?: SecretCodec;
  /** Fleet scrape interval (tests shorten it). */
  readonly fleetPollMs?: number;
}

export interface AppServices {
  readonly dispatch: Dispatch;
  readonly events: EventBus;
  readonly settings: SettingsStore;
  readonly relay: RelayService;
  readonly measurement: MeasurementService;
  readonly fleet: FleetService;
  /** The panel's own metrics as Prometheus text (headless mode serves them on GET /metrics). */
  panelMetrics(): Promise<{ contentType: string; body: string }>;
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
  ensurePrivateDir(options.dataDir);
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
    profile: () => activeProfile(settings.get()),
  });

  const profiles = createProfileService({ settings, switchTier: (tier) => relay.switchTier(tier) });
  const secrets = new SecretStore(
    path.join(options.dataDir, 'fleet-secrets.json'),
    options.secretCodec ?? PLAIN_FILE_CODEC,
  );
  const fleet = new FleetService({
    store: new FleetStore(path.join(options.dataDir, 'fleet.json')),
    secrets,
    local: relay,
    pollMs: options.fleetPollMs,
    probe: (window, at) => {
      // The Dashboard's measure: this panel's probes within target, of the tier it runs now.
      const tier = relay.status().tier;
      const { points } = measurement.query({ from: at - FLEET_WINDOW_SECONDS[window] * 1000, to: at });
      let n = 0;
      let misses = 0;
      for (const p of points) {
        if (p.tier !== undefined && p.tier !== null && p.tier !== tier) continue;
        n += p.n;
        misses += p.misses;
      }
      return n === 0 ? null : { n, misses };
    },
  });
  fleet.start();
  const panelRegistry = createPanelMetrics({ status: () => relay.status(), entries: () => fleet.entries() });

  let slaTestRunning = false;
  let conformanceRunning = false;
  const tuning = createTuningService({
    dataDir: options.dataDir,
    relay,
    link,
    settings,
    resources: options.resources,
    onProgress: (progress) => events.emit('tune.progress', progress),
    busy: () => slaTestRunning,
  });
  const handlers: Handlers = {
    'relay.start': () => relay.start(),
    'relay.stop': () => relay.stop(),
    'relay.restart': () => relay.restart(),
    'relay.status': async () => relay.status(),
    'tier.get': async () => ({ tier: settings.get().tier }),
    'launch.capabilities': () => probeCapabilities(),
    'tier.set': ({ tier }) => relay.switchTier(tier),
    'logs.tail': async ({ limit }) => activity.tail(limit),
    'history.query': async (query) => measurement.query(query),
    'report.export': async (request, { signal }) => {
      const result = await exportReport(request, signal);
      // Headless mode keeps every export for download: bound the folder (oldest go first).
      await pruneStoredReports(reportsDir, result.report.path);
      return result;
    },
    'relay.checkBinary': async ({ path }) => {
      if (conformanceRunning) throw new ApiError('BUSY', 'A binary is already being checked; wait for it.');
      conformanceRunning = true;
      try {
        const binary = path ?? settings.get().relay.externalPath;
        return await checkRelayBinary(binary, options.resources, (progress) =>
          events.emit('conformance.progress', progress),
        );
      } finally {
        conformanceRunning = false;
      }
    },
    'slaTest.run': async (request, { signal }) => {
      if (slaTestRunning)
        throw new ApiError('BUSY', 'An SLA test is already running; wait for it or cancel it.');
      if (tuning.running) throw new ApiError('BUSY', 'Tuning is running; test once it has finished.');
      slaTestRunning = true;
      try {
        const onProgress = (progress: SlaTestProgress) => events.emit('slaTest.progress', progress);
        return await runSlaTest(request, { relay, link, resources: options.resources, signal, onProgress });
      } finally {
        slaTestRunning = false;
      }
    },
    'tune.plan': (request) => tuning.plan(request),
    'tune.run': (request, { signal }) => tuning.run(request, signal),
    'tune.last': () => tuning.last(),
    'tune.apply': (request) => tuning.apply(request),
    'settings.get': async () => settings.get(),
    'settings.set': async (patch) => {
      // A new external path is checked now, so it is refused here rather than failing at Start.
      const path = patch.relay?.externalPath;
      if (typeof path === 'string') {
        const problem = externalPathProblem(path);
        if (problem) throw new ApiError('INVALID_PARAMS', problem, { path });
      }
      return settings.update(patch);
    },
    'profile.state': async () => profiles.state(),
    'profile.import': ({ text }) => profiles.importFile(text),
    'profile.export': async ({ name }) => profiles.exportFile(name),
    'profile.apply': ({ name }) => profiles.apply(name),
    'profile.save': async ({ name, replace }) => profiles.save(name, replace ?? false),
    'profile.rename': async ({ from, to }) => profiles.rename(from, to),
    'profile.delete': async ({ name }) => profiles.remove(name),
    'fleet.list': ({ window, localOnly }) => fleet.list(window, localOnly),
    'fleet.add': (request) => fleet.add(request),
    'fleet.remove': async ({ id }) => ({ removed: fleet.remove(id) }),
    'fleet.remote.setTier': ({ id, tier }) => fleet.panel(id).call('tier.set', { tier }),
    'fleet.remote.runSlaTest': ({ id, request }, { signal }) =>
      // As long as the test's own probes take at their rate, twice over, and two minutes to spare.
      fleet
        .panel(id)
        .call(
          'slaTest.run',
          request,
          signal,
          undefined,
          ((2 * request.tiers.length * request.probesPerTier) / request.rateHz) * 1000 + 120_000,
        ),
    'fleet.remote.exportReport': ({ id, request }, { signal }) =>
      exportRemoteReport(fleet.panel(id), secrets.get(id) ?? '', request, signal, {
        dir: reportsDir,
        deliver: (file, name) => deliverReport(options.reportHost ?? {}, file, name),
        prune: (keep) => pruneStoredReports(reportsDir, keep),
      }),
  };

  return {
    dispatch: createDispatcher(handlers),
    events,
    settings,
    relay,
    measurement,
    fleet,
    panelMetrics: async () => ({
      contentType: panelRegistry.contentType,
      body: await panelRegistry.metrics(),
    }),
    reportsDir,
    dispose: async () => {
      fleet.stop();
      await measurement.detach('stopped');
      await relay.stop();
      await measurement.close();
      history.close();
      // Last, so the stop's own lines and events reach the file.
      await activity.close();
    },
    killNow: () => relay.killNow(),
  };
}
