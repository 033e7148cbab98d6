import { _electron as electron, expect, test } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findElectronBinary } from '../scripts/electron-binary.mjs';

const binary = findElectronBinary();

test.describe('the desktop app (Electron)', () => {
  test.skip(
    binary === null,
    'no Electron binary installed here (npm run electron:fetch installs one where it can be downloaded)',
  );

  test('start the relay, see it running with a PID, stop it, see it stopped', async () => {
    const userData = mkdtempSync(path.join(os.tmpdir(), 'sprint-electron-'));
    const app = await electron.launch({
      executablePath: binary!,
      args: ['.', `--user-data-dir=${userData}`, '--no-sandbox'],
    });
    try {
      const page = await app.firstWindow();
      // The renderer must be isolated: no Node, no ipcRenderer, only the narrow bridge.
      expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe(
        'undefined',
      );
      expect(
        await page.evaluate(() => Object.keys((globalThis as { sprint?: object }).sprint ?? {}).sort()),
      ).toEqual(['cancel', 'commands', 'onEvent']);

      const state = page.getByTestId('relay-state');
      await expect(state).toHaveAttribute('data-state', 'stopped');
      await page.getByRole('button', { name: 'Start', exact: true }).click();
      await expect(state).toHaveAttribute('data-state', 'running', { timeout: 20_000 });
      await expect(page.getByTestId('relay-pid')).toHaveText(/^\d+$/);
      await page.screenshot({ path: 'e2e/screenshots/electron-running.png' });
      await page.getByRole('button', { name: 'Stop', exact: true }).click();
      await expect(state).toHaveAttribute('data-state', 'stopped');
    } finally {
      await app.close();
    }
  });
});
