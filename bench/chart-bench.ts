// Latency chart rendering: the real LatencyChart component in Chromium with an hour of per-second
// history (3,600 points × p50/p99/max), then one new second per update, 200 times, timed from the
// start of a frame to after React committed and the browser painted (requestAnimationFrame +
// MessageChannel). The page is built with Vite into a temp dir, so it never ships in the renderer.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as PluginReact from '@vitejs/plugin-react';
import type * as Playwright from 'playwright-core';
import type * as Vite from 'vite';
import type { ChartBenchResult } from '../renderer/test-support/chart-bench-result';
import { percentile } from './support';
import type { BenchSection } from './types';

const UPDATES = 200;
const TARGET_MS = 8;

/** What the bench page (renderer/test-support/chart-bench-page.tsx) puts on its window. */
type BenchGlobal = { runChartBench?: (updates: number) => Promise<ChartBenchResult> };

// Loaded at run time, by name: the bench bundle (esbuild) must not inline Vite or Playwright.
const load = <T>(name: string): Promise<T> => import(name) as Promise<T>;

function repoRoot(): string {
  const candidates = [process.cwd(), path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')];
  const root = candidates.find((dir) => existsSync(path.join(dir, 'bench/chart-bench/index.html')));
  if (!root) throw new Error('bench/chart-bench/index.html not found; run from the repository root');
  return root;
}

async function buildPage(root: string, outDir: string): Promise<void> {
  const vite = await load<typeof Vite>('vite');
  const react = (await load<typeof PluginReact>('@vitejs/plugin-react')).default;
  await vite.build({
    configFile: false,
    root: path.join(root, 'bench/chart-bench'),
    base: './',
    logLevel: 'warn',
    plugins: [react()],
    build: { outDir, emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  });
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

function serve(dir: string): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const file = path.join(
      dir,
      path.normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)),
    );
    const target = file.endsWith(path.sep) ? path.join(file, 'index.html') : file;
    if (!target.startsWith(dir) || !existsSync(target)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(target)] ?? 'application/octet-stream' });
    res.end(readFileSync(target));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

export async function runChartBench(): Promise<BenchSection> {
  const root = repoRoot();
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'sprint-chart-bench-'));
  let server: http.Server | null = null;
  const { chromium } = await load<typeof Playwright>('playwright-core');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    await buildPage(root, outDir);
    server = await serve(outDir);
    const page = await browser.newPage({ viewport: { width: 1000, height: 400 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/index.html`);
    await page.waitForFunction(() => typeof (globalThis as BenchGlobal).runChartBench === 'function');
    const result = (await page.evaluate(
      (updates) => (globalThis as BenchGlobal).runChartBench!(updates),
      UPDATES,
    )) as ChartBenchResult;
    if (errors.length > 0) throw new Error(`bench page errors: ${errors.join('; ')}`);
    const median = percentile(result.frameMs, 50);
    const p95 = percentile(result.frameMs, 95);
    return {
      title: 'Latency chart (1 h of per-second history, Chromium)',
      rows: [
        {
          metric: 'update to paint, median',
          value: median,
          unit: 'ms',
          target: `≤ ${TARGET_MS} ms`,
          met: median <= TARGET_MS,
        },
        {
          metric: 'update to paint, p95',
          value: p95,
          unit: 'ms',
          target: `≤ ${TARGET_MS} ms`,
          met: p95 <= TARGET_MS,
        },
        { metric: 'React render + commit, median', value: percentile(result.commitMs, 50), unit: 'ms' },
        { metric: 'update to paint, max', value: Math.max(...result.frameMs), unit: 'ms' },
        { metric: 'first render (3,600 × 3 points)', value: result.initialRenderMs, unit: 'ms' },
        { metric: 'points drawn per series', value: result.renderedPathPoints, unit: 'points' },
      ],
      raw: {
        historyPoints: result.points,
        series: 3,
        updates: result.updates,
        frameMs: result.frameMs,
        commitMs: result.commitMs,
        browser: result.userAgent,
        loadAverage: os.loadavg(),
        cpus: os.cpus().length,
        method:
          'rAF-aligned update: flushSync(render) then a MessageChannel task after the frame’s paint; performance.measure per update',
      },
    };
  } finally {
    await browser.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    rmSync(outDir, { recursive: true, force: true });
  }
}
