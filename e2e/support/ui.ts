import { expect, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';

export type ViewName = 'Dashboard' | 'Optimizations' | 'Logs' | 'Settings';

/** Opens the panel and waits for the API connection and the first relay status. */
export async function openPanel(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await expect(page.getByRole('status').filter({ hasText: 'Connected' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Start', exact: true })).toBeVisible();
}

export async function showView(page: Page, view: ViewName): Promise<void> {
  await page.getByRole('tab', { name: view }).click();
  await expect(page.getByRole('tab', { name: view })).toHaveAttribute('aria-selected', 'true');
}

/** One cell of the Optimizations table: a setting's requested or applied value. */
export function knobCell(page: Page, name: string, which: 'requested' | 'applied') {
  return page.getByTestId('knob-table').getByTestId(`knob-${name}`).getByTestId(`knob-${which}`);
}

/** Starts the relay from the header and waits until the dashboard shows it running. */
export async function startRelay(page: Page): Promise<number> {
  await showView(page, 'Dashboard');
  const state = page.getByTestId('relay-state');
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(state).toHaveAttribute('data-state', 'running', { timeout: 30_000 });
  await expect(page.getByTestId('relay-pid')).toHaveText(/^\d+$/);
  return Number(await page.getByTestId('relay-pid').textContent());
}

export async function stopRelay(page: Page): Promise<void> {
  await showView(page, 'Dashboard');
  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  await expect(page.getByTestId('relay-state')).toHaveAttribute('data-state', 'stopped', { timeout: 30_000 });
}

/** Full-page screenshots of the current view in light and dark, under e2e/screenshots/. */
export async function screenshotBoth(page: Page, name: string): Promise<void> {
  mkdirSync('e2e/screenshots', { recursive: true });
  // The header is sticky: from a scrolled page a full-page capture would paint it mid-page.
  await page.evaluate('window.scrollTo(0, 0)');
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await page.screenshot({ path: `e2e/screenshots/${name}-${colorScheme}.png`, fullPage: true });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}
