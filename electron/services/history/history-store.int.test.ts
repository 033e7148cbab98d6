import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { integrityCheck } from './db';
import { HistoryStore } from './history-store';

const RATE_HZ = 1000;
const KILLS = 20;
/** Timer jitter and the flush itself on a loaded 2-core machine, on top of the 1 s interval. */
const SLACK_MS = 400;

let dir: string;
let writer: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'history-kill-'));
  writer = path.join(dir, 'kill-writer.mjs');
  await build({
    entryPoints: [fileURLToPath(new URL('./test-support/kill-writer.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: writer,
    logLevel: 'warning',
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  /** t of the first sample this run generated. */
  firstT: number;
  /** [last t handed to the writer, wall ms when it was] per batch. */
  added: Array<[number, number]>;
  killedAt: number;
}

/** Start the writer, let it run `ms` after it is ready, SIGKILL it, collect everything it printed. */
function runAndKill(file: string, ms: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [writer, file, String(RATE_HZ)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let killedAt = 0;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (killedAt === 0 && /^ready \d+(\.\d+)?\n/.test(out)) {
        killedAt = -1;
        setTimeout(() => {
          killedAt = Date.now();
          child.kill('SIGKILL');
        }, ms);
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`writer exited on its own: ${err}`));
      const [ready = '', ...lines] = out.split('\n');
      const added = lines
        .filter((l) => /^\d/.test(l))
        .map((l) => l.split(' ').map(Number) as [number, number]);
      resolve({ firstT: Number(ready.split(' ')[1]), added, killedAt });
    });
  });
}

describe('history durability under kill -9', () => {
  it(`loses at most the last second, and never the file, across ${KILLS} kills`, async () => {
    const file = path.join(dir, 'history.db');
    let expectedRows = 0;
    const losses: number[] = [];
    for (let i = 0; i < KILLS; i++) {
      const run = await runAndKill(file, 150 + Math.floor(Math.random() * 900));
      expect(run.added.length).toBeGreaterThan(0);

      const db = new DatabaseSync(file);
      expect(integrityCheck(db)).toBe('ok');
      const { c, m } = db
        .prepare('SELECT count(*) AS c, max(t) AS m FROM samples WHERE t >= ?')
        .get(run.firstT) as { c: number; m: number | null };
      const total = (db.prepare('SELECT count(*) AS c FROM samples').get() as { c: number }).c;
      db.close();

      // The run generated one sample per step from firstT on. What was committed is a prefix of that
      // series with no hole (a flush commits all it has, or nothing) ...
      const step = 1000 / RATE_HZ;
      const committed = m === null ? 0 : Math.round((m - run.firstT) / step) + 1;
      expect(c).toBe(committed);
      expect(total).toBe(expectedRows + c);
      expectedRows = total;
      // ... every batch handed over more than a flush interval (+ slack) before the kill is in it ...
      for (const [t, at] of run.added) {
        if (at < run.killedAt - 1000 - SLACK_MS) expect(t).toBeLessThanOrEqual(m ?? -Infinity);
      }
      // ... and what was lost is at most about a second's worth.
      const lastAdded = run.added.at(-1)?.[0] ?? run.firstT;
      const lostRows = Math.round((lastAdded - run.firstT) / step) + 1 - committed;
      losses.push(lostRows);
      expect(lostRows).toBeLessThanOrEqual(RATE_HZ * (1 + SLACK_MS / 1000));

      // The panel reopens the same file after the crash.
      const store = HistoryStore.open({ file, retention: { rawDays: 7, aggregateDays: 90 } });
      expect(store.countSamples(0, 1e15)).toBe(total);
      store.close();
    }
    // Sanity: the kills did land mid-stream (something was in flight at least once).
    expect(Math.max(...losses)).toBeGreaterThan(0);
  }, 90_000);
});
