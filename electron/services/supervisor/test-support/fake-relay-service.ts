import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RelayStatus } from '../../../../shared/relay-status';
import { SettingsStore } from '../../settings/settings-store';
import { procCommandLine } from '../pidfile';
import { RelayService, relayResources } from '../relay-service';

export const fakeRelay = path.resolve('test/support/fake-relay.mjs');

type Policy = Partial<NonNullable<ConstructorParameters<typeof RelayService>[0]['policy']>>;

/**
 * The relay gets only the plan's environment (never the panel's), so the fake relay's switches
 * travel in a per-test wrapper script that sets them and then runs it.
 */
function fakeRelayWith(dir: string, switches: Record<string, string>): string {
  const wrapper = path.join(dir, 'fake-relay-wrapper.mjs');
  const target = JSON.stringify(pathToFileURL(fakeRelay).href);
  writeFileSync(
    wrapper,
    `Object.assign(process.env, ${JSON.stringify(switches)});\nawait import(${target});\n`,
  );
  return wrapper;
}

/** RelayServices over the fake relay (short backoff), each in its own data folder, stopped after each test. */
export function trackedServices() {
  const services: RelayService[] = [];
  return {
    make(policy: Policy = {}, switches: Record<string, string> = {}) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'sprint-supervisor-'));
      const relayScript = fakeRelayWith(dir, switches);
      const settings = new SettingsStore(path.join(dir, 'settings.json'));
      settings.update({
        upstream: {
          mode: 'node',
          bitcoinNode: '127.0.0.1:18444',
          network: 'regtest',
          demoIntervalSeconds: 10,
        },
      });
      const service = new RelayService({
        settings,
        resources: {
          ...relayResources(path.resolve('dist/relay')),
          relayScript,
          demoPeerScript: relayScript,
        },
        panelKey: 'panel-key-for-tests',
        pidFilePath: path.join(dir, 'relay.pid'),
        dataDir: dir,
        policy: {
          backoffInitialMs: 20,
          backoffCapMs: 100,
          stopTimeoutMs: 1000,
          healthPollMs: 200,
          ...policy,
        },
      });
      services.push(service);
      return { service, settings, dir, relayScript };
    },
    async stopAll() {
      await Promise.all(services.splice(0).map((service) => service.stop()));
    },
  };
}

export function waitForState(
  service: RelayService,
  wanted: RelayStatus['state'],
  timeoutMs = 10_000,
): Promise<RelayStatus> {
  return new Promise((resolve, reject) => {
    if (service.status().state === wanted) return resolve(service.status());
    const timer = setTimeout(
      () => reject(new Error(`no "${wanted}" within ${timeoutMs} ms; now ${service.status().state}`)),
      timeoutMs,
    );
    const off = service.on((event) => {
      if (event.kind === 'state' && event.status.state === wanted) {
        clearTimeout(timer);
        off();
        resolve(event.status);
      }
    });
  });
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return procCommandLine(pid) !== null;
  } catch {
    return false;
  }
}

/** An executable shell script standing in for an external relay binary. */
export function externalBinary(dir: string, name: string, body: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}
