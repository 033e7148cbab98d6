import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type RelayStatus, syncLabel, syncingOf } from '../../../shared/relay-status';
import { cachedRegtestChain } from '../../../relay/test-support/chain-gen';
import { ChainPeer } from '../../../relay/test-support/chain-peer';
import { SettingsStore } from '../settings/settings-store';
import { RelayService, relayResources } from './relay-service';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sprint-relay-sync-'));
const peer = new ChainPeer(cachedRegtestChain(path.join(os.tmpdir(), 'sprint-chains'), 30_000), {
  replyDelayMs: 200,
});
let service: RelayService | null = null;
afterAll(async () => {
  await service?.stop();
  peer.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('RelayService with the built relay syncing a 30,000-header chain', () => {
  it('shows sync progress while catching up (not "Running"), then runs; the store lands in <data>/relay', async () => {
    const port = await peer.listen();
    const settings = new SettingsStore(path.join(dir, 'settings.json'));
    settings.update({
      upstream: {
        mode: 'node',
        bitcoinNode: `127.0.0.1:${port}`,
        network: 'regtest',
        demoIntervalSeconds: 10,
      },
    });
    service = new RelayService({
      settings,
      resources: relayResources(path.resolve('dist/relay')),
      panelKey: 'panel-key-sync-test',
      pidFilePath: path.join(dir, 'relay.pid'),
      dataDir: dir,
      // Shorter than the sync: the deadline must wait while the relay reports progress.
      policy: { readyTimeoutMs: 2000, healthPollMs: 200 },
    });
    const seen: RelayStatus[] = [];
    service.on((e) => {
      if (e.kind === 'state') seen.push(e.status);
    });
    const final = await service.start();
    expect(final.state).toBe('running');
    expect(final.upstream?.sync).toMatchObject({ state: 'synced', height: 30_000 });
    expect(syncingOf(final)).toBeNull();
    const syncing = seen.map(syncingOf).filter((s) => s !== null);
    expect(syncing.length).toBeGreaterThan(0);
    expect(seen.filter((s) => syncingOf(s)).every((s) => s.state === 'starting')).toBe(true);
    const label = syncLabel(syncing[syncing.length - 1]!);
    expect(label).toMatch(/^Syncing headers [\d,]+ \/ 30,000 · (ETA (\d+ s|\d+ min|…)|stalled)$/);
    expect(existsSync(path.join(dir, 'relay', 'headers-regtest.dat'))).toBe(true);
  }, 60_000);
});
