import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/api';
import type { PlanItem } from '../../../shared/launch';
import { ActivityLog } from '../activity-log';
import { EventBus } from '../api/event-bus';
import { linkMeasurement, openHistory } from '../measurement-link';
import { MeasurementService, type ProbeLaunch } from '../metrics/measurement-service';
import { SettingsStore } from '../settings/settings-store';
import { RelayService, relayResources } from './relay-service';

/**
 * The probe's placement and the relay's V8 semi-space, end to end: saved as the tier's overrides,
 * planned, spawned (the real bundled relay, demo peer and probe; test/global-setup.ts builds them),
 * and read back from the OS and the relay's /health into the launch report the Optimizations view shows.
 */

const resources = relayResources(path.resolve('dist/relay'));
const cleanups: Array<() => Promise<unknown> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function panel() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sprint-probe-placement-'));
  const settings = new SettingsStore(path.join(dir, 'settings.json'));
  const relay = new RelayService({
    settings,
    resources,
    panelKey: 'panel-key',
    pidFilePath: path.join(dir, 'relay.pid'),
    dataDir: dir,
  });
  const events = new EventBus();
  const activity = new ActivityLog(path.join(dir, 'logs'), relay, events);
  const history = openHistory(path.join(dir, 'history.sqlite'), settings, () => undefined);
  const link = linkMeasurement({ relay, settings, history, resources, events, activity });
  cleanups.push(async () => {
    await link.measurement.detach();
    await relay.stop();
    history.close();
  });
  return { relay, settings, link, dir };
}

const itemsOf = (relay: RelayService): Record<string, PlanItem> =>
  Object.fromEntries((relay.status().launch?.items ?? []).map((item) => [item.name, item]));

/** What the kernel says a process may run on, read here directly rather than through the panel. */
const cpusAllowed = (pid: number) =>
  /^Cpus_allowed_list:\s*(\S+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];

describe.runIf(process.platform === 'linux' && os.cpus().length >= 2)(
  'probe placement and V8 semi-space',
  () => {
    it('the tier’s overrides are read back as applied: the probe on CPU 0, the relay on CPU 1 with a 64 MiB semi-space', async () => {
      const { relay, settings, link } = panel();
      // pro: no real-time scheduling, so nothing here can starve the shared machine's other work.
      settings.update({ tier: 'pro', overrides: { pro: { cpus: '1', probeCpus: '0', semiSpaceMiB: 64 } } });
      const status = await relay.start();
      expect(status.state).toBe('running');
      const argv = status.launch!.argv;
      expect(argv.slice(0, 3)).toEqual([expect.stringMatching(/taskset$/), '-c', '1']);
      expect(argv).toEqual(
        expect.arrayContaining([
          '--min-semi-space-size=64',
          '--max-semi-space-size=64',
          resources.relayScript,
        ]),
      );
      expect(argv.indexOf('--max-semi-space-size=64')).toBeLessThan(argv.indexOf(resources.relayScript));

      // The relay's V8 reports its new space on /health: requested beside applied.
      const relayItems = itemsOf(relay);
      expect(relayItems.V8_SEMI_SPACE_MIB).toMatchObject({
        appliedBy: 'relay',
        requested: '64',
        applied: '64',
        granted: true,
        overridden: true,
      });
      expect(relayItems.affinity).toMatchObject({ requested: 'cpus 1', applied: 'cpus 1', granted: true });

      // The live probe starts once the relay is ready; its placement is read back from its own PID.
      await expect
        .poll(() => itemsOf(relay)['probe-affinity']?.applied, { timeout: 20_000, interval: 100 })
        .toBe('cpus 0');
      expect(itemsOf(relay)['probe-affinity']).toMatchObject({
        appliedBy: 'os',
        requested: 'cpus 0',
        granted: true,
        overridden: true,
        source: 'override',
      });
      const probePid = link.measurement.probePid!;
      expect(cpusAllowed(probePid)).toBe('0');
      expect(cpusAllowed(relay.status().pid!)).toBe('1');
      // The probe keeps the relay's priority (pro: nice -5), on its own CPU.
      const nice = Number(readFileSync(`/proc/${probePid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]);
      expect(nice).toBe(os.getPriority(relay.status().pid!));
    }, 60_000);

    it('refuses at settings time a probe CPU this machine does not have, naming it; nothing saved', () => {
      const { settings } = panel();
      const missing = os.cpus().length;
      let error: unknown;
      try {
        settings.update({ overrides: { pro: { probeCpus: `0,${missing}` } } });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).code).toBe('SETTINGS_INVALID');
      expect((error as ApiError).message).toMatch(
        new RegExp(`names CPU ${missing} for the SLA probe, but this machine has CPUs 0-${missing - 1}`),
      );
      expect(settings.get().overrides.pro).toBeUndefined();
    });

    it('a probe that cannot get its placement (taskset refuses) shows as not granted, with taskset’s words', async () => {
      const { relay, settings, dir } = panel();
      settings.update({ tier: 'pro', overrides: { pro: { probeCpus: '0' } } });
      await relay.start();
      // A probe spawned under wrappers the OS refuses: the plan can never produce these (CPU lists are
      // checked against the machine), so a CPU past any machine's stands in for a CPU taken away later.
      const measurement = new MeasurementService({
        history: path.join(dir, 'refused.sqlite'),
        execPath: resources.execPath,
        probeScript: resources.probeScript,
        rateHz: 20,
        retention: settings.get().retention,
      });
      cleanups.push(() => measurement.detach());
      const launched = new Promise<ProbeLaunch>((resolve) => measurement.once('probe', resolve));
      const target = relay.probeTarget()!;
      await measurement.attach({ ...target, argvPrefix: ['taskset', '-c', '1023'] });
      const outcome = await launched;
      expect(outcome).toEqual({
        failure: expect.stringMatching(/^the probe exited \(code 1\) before it ran: taskset: .*/),
      });
      await relay.noteProbe(outcome, resources.execPath);
      expect(itemsOf(relay)['probe-affinity']).toMatchObject({
        requested: 'cpus 0',
        applied: null,
        granted: false,
        reason: expect.stringMatching(/taskset/),
      });
    }, 60_000);
  },
);
