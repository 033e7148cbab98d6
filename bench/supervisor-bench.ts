import path from 'node:path';
import { SettingsStore } from '../electron/services/settings/settings-store';
import { RelayService, relayResources } from '../electron/services/supervisor/relay-service';
import type { RelayStatus } from '../shared/relay-status';
import type { TierName } from '../shared/tiers';
import { distFile, median, percentile, tempDir } from './support';
import type { BenchSection } from './types';

const RUNS = 20;

function waitFor(service: RelayService, predicate: (status: RelayStatus) => boolean, timeoutMs = 15_000) {
  return new Promise<RelayStatus>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out waiting for the relay')), timeoutMs);
    const off = service.on((event) => {
      if (event.kind === 'state' && predicate(event.status)) {
        clearTimeout(timer);
        off();
        resolve(event.status);
      }
    });
  });
}

/**
 * Tier switch (click to ready) and crash to ready, each the median of 20, with the real relay and
 * demo peer under the real supervisor. Crashes are spaced past a short stable-uptime so each one is
 * a first crash (250 ms backoff), which is what an operator sees for an isolated crash.
 */
export async function runSupervisorBench(): Promise<BenchSection> {
  const dir = tempDir('supervisor');
  const settings = new SettingsStore(path.join(dir, 'settings.json'));
  settings.update({
    upstream: { mode: 'demo', bitcoinNode: null, network: 'regtest', demoIntervalSeconds: 10 },
  });
  const service = new RelayService({
    settings,
    resources: relayResources(distFile('relay')),
    panelKey: 'bench-panel-key',
    pidFilePath: path.join(dir, 'relay.pid'),
    policy: { stableUptimeMs: 1000, crashLoopCount: 1000 },
  });
  try {
    await service.start();
    const switches: number[] = [];
    const tiers: TierName[] = ['enterprise', 'free'];
    for (let run = 0; run < RUNS; run++) {
      const result = await service.switchTier(tiers[run % 2]!);
      if (result.durationMs === null || result.status.state !== 'running')
        throw new Error('switch did not reach running');
      switches.push(result.durationMs);
    }

    const recoveries: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const pid = service.status().pid!;
      const ready = waitFor(service, (status) => status.state === 'running' && status.pid !== pid);
      const began = performance.now();
      process.kill(pid, 'SIGKILL');
      await ready;
      recoveries.push(performance.now() - began);
    }
    const switchMedian = median(switches);
    const recoveryMedian = median(recoveries);
    return {
      title: 'Supervisor: tier switch and crash recovery (real relay + demo peer)',
      rows: [
        {
          metric: 'tier switch, click to ready (median of 20)',
          value: switchMedian,
          unit: 'ms',
          target: '≤ 1500 ms',
          met: switchMedian <= 1500,
        },
        { metric: 'tier switch p95', value: percentile(switches, 95), unit: 'ms' },
        {
          metric: 'crash (kill -9) to ready (median of 20)',
          value: recoveryMedian,
          unit: 'ms',
          target: '≤ 1000 ms',
          met: recoveryMedian <= 1000,
        },
        { metric: 'crash to ready p95', value: percentile(recoveries, 95), unit: 'ms' },
      ],
      raw: { switchesMs: switches, recoveriesMs: recoveries, backoffInitialMs: 250, tiers },
    };
  } finally {
    await service.stop();
  }
}
