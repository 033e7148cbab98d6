import { expect, test } from '@playwright/test';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { removeDataDir, startHeadlessPanel, type HeadlessPanel } from './support/headless';
import { openPanel, screenshotBoth, startRelay, stopRelay } from './support/ui';

let panel: HeadlessPanel | undefined;
let demo: ChildProcess | undefined;
let liar: net.Server | undefined;

test.afterAll(async () => {
  await panel?.stop();
  if (panel) removeDataDir(panel.dataDir);
  demo?.kill('SIGTERM');
  liar?.close();
});

/** The demo peer mining a block a second; resolves its P2P port. */
function startDemoPeer(): Promise<number> {
  demo = spawn(
    process.execPath,
    ['dist/relay/demo-peer.mjs', '--port', '0', '--http-port', '0', '--interval', '1'],
    {
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  const out = demo.stdout;
  if (!out) throw new Error('no stdout');
  return new Promise((resolve) => {
    createInterface({ input: out }).on('line', (line) => {
      const event = JSON.parse(line) as { event?: string; p2pPort?: number };
      if (event.event === 'listening') resolve(event.p2pPort ?? 0);
    });
  });
}

/** A "peer" that answers every connection with a frame of bad magic: a protocol violation. */
function startLiar(): Promise<number> {
  liar = net.createServer((socket) => socket.end(Buffer.alloc(24)));
  return new Promise((resolve) =>
    liar?.listen(0, '127.0.0.1', () => resolve((liar?.address() as net.AddressInfo).port)),
  );
}

test('the Dashboard lists each upstream peer: lead/lag, firsts, misbehaviour and ban state', async ({
  page,
}) => {
  test.setTimeout(90_000);
  const [demoPort, liarPort] = await Promise.all([startDemoPeer(), startLiar()]);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sprint-e2e-peers-'));
  writeFileSync(
    path.join(dataDir, 'settings.json'),
    JSON.stringify({
      upstream: {
        mode: 'node',
        bitcoinNode: `127.0.0.1:${demoPort},127.0.0.1:${liarPort}`,
        network: 'regtest',
      },
    }),
  );
  panel = await startHeadlessPanel({ dataDir });
  await openPanel(page, panel.url);
  await startRelay(page);

  const rows = page.getByTestId('peer-row');
  await expect(rows).toHaveCount(2);
  const [good, bad] = [rows.nth(0), rows.nth(1)];
  await expect(good).toContainText(`127.0.0.1:${demoPort}`);
  await expect(good).toContainText('ready');
  // The only honest peer announces every block first.
  await expect(good.getByTestId('peer-lead')).toHaveText('first', { timeout: 20_000 });
  await expect(good.getByTestId('peer-ban')).toHaveText('none');
  await expect(bad).toContainText('BAD_MAGIC');
  await expect(bad.getByTestId('peer-ban')).toHaveText(/^banned (\d+ s|1 min 00 s) \(1 ban\)$/);
  await expect(bad).toContainText('100');
  await screenshotBoth(page, 'ui-peers');
  await stopRelay(page);
});
