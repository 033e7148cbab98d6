import { expect, test } from '@playwright/test';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { removeDataDir, startHeadlessPanel, type HeadlessPanel } from './support/headless';
import { openPanel, screenshotBoth, startRelay, stopRelay } from './support/ui';

// Two demo peers on competing chains from regtest genesis, mining only on request, both claiming a
// clock 83 minutes ahead of this machine's: the relay card warns about the clock, and when B's
// longer branch overtakes A's the block chart marks the reorg.
let panel: HeadlessPanel | undefined;
const peers: ChildProcess[] = [];

test.afterAll(async () => {
  await panel?.stop();
  if (panel) removeDataDir(panel.dataDir);
  for (const p of peers) p.kill('SIGTERM');
});

const CLOCK_AHEAD_SECONDS = 83 * 60;

/** A demo peer that mines only through POST /mine; resolves its ports. */
function startDemoPeer(): Promise<{ p2pPort: number; httpPort: number }> {
  const child = spawn(
    process.execPath,
    [
      'dist/relay/demo-peer.mjs',
      ...['--port', '0', '--http-port', '0', '--interval', '0'],
      ...['--clock-offset', String(CLOCK_AHEAD_SECONDS)],
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  peers.push(child);
  const out = child.stdout;
  if (!out) throw new Error('no stdout');
  return new Promise((resolve) => {
    createInterface({ input: out }).on('line', (line) => {
      const event = JSON.parse(line) as { event?: string; p2pPort?: number; httpPort?: number };
      if (event.event === 'listening')
        resolve({ p2pPort: event.p2pPort ?? 0, httpPort: event.httpPort ?? 0 });
    });
  });
}

async function mine(httpPort: number, count: number): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${httpPort}/mine?count=${count}`, { method: 'POST' });
  expect(res.status).toBe(200);
}

test('the block chart marks a reorg and the relay card warns of a clock 83 min off', async ({ page }) => {
  // About 17 s on an idle machine; the margin is for a busy one.
  test.setTimeout(60_000);
  const [a, b] = await Promise.all([startDemoPeer(), startDemoPeer()]);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sprint-e2e-reorg-'));
  writeFileSync(
    path.join(dataDir, 'settings.json'),
    JSON.stringify({
      upstream: {
        mode: 'node',
        bitcoinNode: `127.0.0.1:${a.p2pPort},127.0.0.1:${b.p2pPort}`,
        network: 'regtest',
      },
    }),
  );
  panel = await startHeadlessPanel({ dataDir });
  await openPanel(page, panel.url);
  await startRelay(page);

  await expect(page.getByTestId('relay-clock-warning')).toHaveText(
    "This machine's clock is 83 min behind its peers: set the time (NTP); headers may be refused as future-dated until then",
  );

  // The chart's blocks come from the probe's block stream, which connects after the relay runs; a block
  // mined before it connects is never seen (a fresh-clone CI run lost block 1 that way). The chart says
  // when the stream is on.
  await expect(page.getByLabel('Block relay latency chart')).toHaveAttribute(
    'data-block-stream',
    'connected',
    {
      timeout: 15_000,
    },
  );
  const summary = page.getByRole('list', { name: 'Block summary' });
  // A's branch, one block at a time so the probe records each: heights 1, 2, 3.
  for (let height = 1; height <= 3; height++) {
    await mine(a.httpPort, 1);
    await expect(summary).toContainText(`last #${height}`);
  }
  // B's five blocks outweigh A's three: the relay disconnects 3..1 and streams B's 1..5.
  for (let height = 1; height <= 5; height++) {
    await mine(b.httpPort, 1);
    if (height > 3) await expect(summary).toContainText(`last #${height}`);
  }
  const marker = page.getByRole('img', { name: /^Reorg at height 1: 3 blocks replaced \(tip was #3 / });
  await expect(marker).toHaveCount(1);
  await expect(page.getByTestId('blocks-reorgs')).toHaveText('1 reorg');
  await screenshotBoth(page, 'ui-reorg-chart');
  await stopRelay(page);
});
