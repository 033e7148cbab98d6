import { renameSync } from 'node:fs';
import type { EventBus } from './api/event-bus';
import type { ActivityLog } from './activity-log';
import { HistoryStore } from './history/history-store';
import { HistoryOpenError } from './history/types';
import { MeasurementService } from './metrics/measurement-service';
import type { SettingsStore } from './settings/settings-store';
import type { RelayResources, RelayService } from './supervisor/relay-service';

/**
 * Opens the history database; a damaged one is kept aside (never deleted) and a new one started,
 * with a line in the log saying where the old file went.
 */
export function openHistory(
  file: string,
  settings: SettingsStore,
  onNotice: (message: string) => void,
): HistoryStore {
  const open = () =>
    HistoryStore.open({
      file,
      retention: settings.get().retention,
      onError: (error) => onNotice(`History write failed (kept in memory, retried): ${error.message}`),
    });
  try {
    return open();
  } catch (error) {
    if (!(error instanceof HistoryOpenError) || error.reason === 'newer-schema') throw error;
    const aside = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    for (const suffix of ['', '-wal', '-shm']) {
      try {
        renameSync(file + suffix, aside + suffix);
      } catch {
        // WAL and SHM files may not exist.
      }
    }
    onNotice(`History database was ${error.reason}; kept it as ${aside} and started a new one.`);
    return open();
  }
}

/**
 * Measures whichever relay is running: attaches the probe when the relay becomes ready, detaches it
 * when the relay stops or crashes (a crash's downtime then counts as misses), and forwards figures
 * to the UI as events.
 */
export function linkMeasurement(options: {
  relay: RelayService;
  settings: SettingsStore;
  history: HistoryStore;
  resources: RelayResources;
  events: EventBus;
  activity: ActivityLog;
}): MeasurementLink {
  const { relay, settings, events, activity } = options;
  let paused = false;
  const measurement = new MeasurementService({
    history: options.history,
    execPath: options.resources.execPath,
    probeScript: options.resources.probeScript,
    rateHz: settings.get().probe.rateHz,
    retention: settings.get().retention,
    probeEnv: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
  });
  const note = (level: 'info' | 'warn', message: string) => activity.note('measurement', level, message);

  measurement.on('tick', (tick) => events.emit('metrics.tick', tick));
  // Settings take effect when saved: a new probe rate restarts the probe, new retention is applied now.
  settings.onChange((next) => {
    measurement.setRate(next.probe.rateHz).catch((error: unknown) => {
      note('warn', `Probe rate change failed: ${error instanceof Error ? error.message : String(error)}`);
    });
    try {
      options.history.setRetention(next.retention);
    } catch (error) {
      note('warn', `Retention change failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  measurement.on('block', (block) => events.emit('block.relayed', block));
  measurement.on('warning', (message) => note('warn', message));
  // The live probe's placement is part of the launch plan: read back as the relay's is.
  measurement.on('probe', (probe) => {
    relay.noteProbe(probe, options.resources.execPath).catch((error: unknown) => {
      note('warn', `Probe placement not read: ${error instanceof Error ? error.message : String(error)}`);
    });
  });

  relay.on((event) => {
    if (event.kind === 'timeline' && event.entry.kind === 'tier-switched') {
      // The switch as history keeps it: when, from, to, and what was requested beside applied.
      measurement.recordEvent('tier-switch-applied', event.entry.details);
    }
    if (event.kind !== 'supervisor' || event.source !== 'relay') return;
    const happened = event.event;
    if (happened.kind === 'ready') {
      if (!paused) attach();
    } else if (happened.kind === 'exited') {
      void measurement.detach(happened.expected ? 'stopped' : 'crashed');
      if (!happened.expected) {
        measurement.recordEvent('relay-restart', { code: happened.code, signal: happened.signal });
      }
    }
  });
  const attach = () => {
    const target = relay.probeTarget();
    if (!target) return;
    const launch = relay.status().launch;
    measurement
      .attach({ ...target, healthUrl: `${target.healthUrl}/health`, launch })
      .catch((error: unknown) => {
        note('warn', `Measurement did not start: ${error instanceof Error ? error.message : String(error)}`);
      });
  };
  return {
    measurement,
    pause: async () => {
      paused = true;
      await measurement.detach('stopped');
    },
    resume: () => {
      paused = false;
      if (relay.status().state === 'running' || relay.status().state === 'degraded') attach();
    },
  };
}

/** Live measurement, which the SLA test pauses so that its probe is the only one on the relay. */
export interface MeasurementLink {
  readonly measurement: MeasurementService;
  pause(): Promise<void>;
  resume(): void;
}
