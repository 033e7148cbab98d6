import { defineConfig } from '@playwright/test';

/**
 * The UI runs in Debian's Chromium against headless mode (no Electron binary can be downloaded here);
 * the _electron specs run wherever an Electron binary is installed and skip with a reason elsewhere.
 */
export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    headless: true,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-quic',
        '--no-first-run',
      ],
    },
  },
  projects: [
    {
      name: 'light',
      use: { browserName: 'chromium', colorScheme: 'light', viewport: { width: 1280, height: 900 } },
    },
  ],
});
