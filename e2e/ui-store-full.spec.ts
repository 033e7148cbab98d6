import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startHeadlessPanel, type HeadlessPanel } from './support/headless';
import { openPanel, screenshotBoth, startRelay, stopRelay } from './support/ui';

/**
 * The relay's header store on a disk that fills while it runs: the relay card says so, with the
 * folder and what to do, at the first block it cannot write. Needs root (a 16 MB tmpfs).
 */
let mountPoint = '';
let mounted = false;
/** Mounted in the test, not at import: Playwright imports a spec in more than one process. */
function mountTmpfs(): boolean {
  if (process.getuid?.() !== 0) return false;
  mountPoint = mkdtempSync(path.join(os.tmpdir(), 'sprint-e2e-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', mountPoint], { stdio: 'pipe' });
    mounted = true;
  } catch {
    rmSync(mountPoint, { recursive: true, force: true });
  }
  return mounted;
}
const filler = () => path.join(mountPoint, 'filler');
let panel: HeadlessPanel | undefined;

test.afterAll(async () => {
  await panel?.stop();
  if (!mounted) return;
  execFileSync('umount', ['-l', mountPoint]);
  rmSync(mountPoint, { recursive: true, force: true });
});

/** Writes until the file system refuses, down to the last byte. */
function fill(): void {
  const fd = openSync(filler(), 'a');
  try {
    for (const size of [64 * 1024, 4096, 512, 1]) {
      const chunk = Buffer.alloc(size, 1);
      for (;;) {
        try {
          writeSync(fd, chunk);
        } catch {
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}

test('a header store that cannot write shows on the relay card with the folder and what to do', async ({
  page,
}) => {
  test.skip(!mountTmpfs(), 'mounting a tmpfs needs root');
  test.setTimeout(120_000);
  const dataDir = path.join(mountPoint, 'data');
  mkdirSync(dataDir);
  // Four blocks a second: tmpfs fills by 4 KB pages, so the store's last page takes ~45 more headers first.
  writeFileSync(
    path.join(dataDir, 'settings.json'),
    JSON.stringify({ upstream: { mode: 'demo', demoIntervalSeconds: 0.25 } }),
  );
  panel = await startHeadlessPanel({ dataDir });
  await openPanel(page, panel.url);
  await startRelay(page);
  const warning = page.getByTestId('relay-store-warning');
  await expect(warning).toHaveCount(0);
  fill();
  await expect(warning).toHaveText(
    `The disk holding ${path.join(dataDir, 'relay')} is full: free space there, then restart the relay; new headers are kept in memory only until the relay restarts.`,
    { timeout: 45_000 },
  );
  await screenshotBoth(page, 'relay-store-full');
  rmSync(filler(), { force: true });
  await stopRelay(page);
  await expect(warning).toHaveCount(0);
});
