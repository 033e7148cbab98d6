import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeSync,
  openSync,
  closeSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/api';
import { createAppServices, type AppServices } from '../app-services';
import { HistoryStore } from '../history/history-store';
import { relayResources } from '../supervisor/relay-service';
import { HeaderChain } from '../../../relay/chain/chain';
import { CHAIN_PARAMS } from '../../../relay/chain/params';
import { generateRegtestChain } from '../../../relay/test-support/chain-gen';

/**
 * A real full disk: a 2 MB tmpfs filled to its last byte. Each write path must give its typed
 * DISK_FULL error naming the folder, leave no temporary file, lose nothing already saved, and work
 * again once space returns. Needs root (mount); skipped with the reason otherwise.
 */
const mountPoint = mkdtempSync(path.join(os.tmpdir(), 'sprint-full-'));
let mounted = false;
let skipReason = '';
try {
  if (process.getuid?.() !== 0) throw new Error('not root: mounting a tmpfs needs root');
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mountPoint], { stdio: 'pipe' });
  mounted = true;
} catch (error) {
  skipReason = `no tmpfs to fill (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`;
}

const filler = path.join(mountPoint, 'filler');
/** Writes until the file system refuses, byte by byte at the end: nothing is left. */
function fill(): void {
  const fd = openSync(filler, 'a');
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
const release = () => rmSync(filler, { force: true });
const temporaries = (dir: string) =>
  readdirSync(dir, { recursive: true })
    .map(String)
    .filter((name) => /\.tmp$|\.part$|\.download$/.test(name));

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe.skipIf(!mounted)(`a full disk (${skipReason || 'tmpfs of 2 MB'})`, () => {
  let services: AppServices;
  const dataDir = path.join(mountPoint, 'data');
  const signal = new AbortController().signal;
  const call = (method: string, params: unknown) => services.dispatch(method, params, { signal });

  beforeAll(() => {
    mkdirSync(dataDir);
    services = createAppServices({ dataDir, resources: relayResources('/nonexistent') });
  });

  afterAll(async () => {
    release();
    try {
      await services?.dispose();
    } finally {
      // Lazy: a handle the services leave open must not keep the mount (and the test) around.
      execFileSync('umount', ['-l', mountPoint]);
      rmSync(mountPoint, { recursive: true, force: true });
    }
  });

  it('settings.set: DISK_FULL naming the folder, no temporary left, the settings unchanged', async () => {
    await call('settings.set', { probe: { rateHz: 20 } });
    const before = readFileSync(path.join(dataDir, 'settings.json'), 'utf8');
    fill();
    try {
      const error = await refusal(call('settings.set', { probe: { rateHz: 50 } }));
      expect(error.code).toBe('DISK_FULL');
      expect(error.message).toBe(
        `The disk holding ${dataDir} is full: settings not saved. Free some space there and try again.`,
      );
      expect(temporaries(dataDir)).toEqual([]);
      expect(readFileSync(path.join(dataDir, 'settings.json'), 'utf8')).toBe(before);
      expect(await call('settings.get', {})).toMatchObject({ probe: { rateHz: 20 } });
    } finally {
      release();
    }
    expect(await call('settings.set', { probe: { rateHz: 50 } })).toMatchObject({ probe: { rateHz: 50 } });
  });

  it('report.export: DISK_FULL naming the reports folder, no partial file; works once space returns', async () => {
    const reports = services.reportsDir;
    const request = { from: Date.now() - 3_600_000, to: Date.now(), tier: 'free', format: 'html' };
    fill();
    try {
      const error = await refusal(call('report.export', request));
      expect(error.code, error.message).toBe('DISK_FULL');
      // The history folder (its buffered seconds come first) or the reports folder, both on this disk.
      expect(error.message).toMatch(
        /^The disk holding \/tmp\/sprint-full-\w+\/data(\/reports)? is full: .*Free some space there and try again\.$/,
      );
      expect(temporaries(dataDir)).toEqual([]);
      expect(readdirSync(reports)).toEqual([]);
    } finally {
      release();
    }
    await call('report.export', request);
    expect(readdirSync(reports)).toHaveLength(1);
  });

  it('history: a flush that finds no space keeps its rows, and writes them all once space returns', () => {
    const errors: string[] = [];
    const history = HistoryStore.open({
      file: path.join(mountPoint, 'history.db'),
      retention: { rawDays: 7, aggregateDays: 30 },
      flushIntervalMs: 3_600_000,
      onError: (error: Error) => errors.push(error.message),
    });
    try {
      const t0 = Date.now() - 60_000;
      history.addSamples('free', [[t0, 1, true]]);
      history.flush();
      fill();
      const rows = Array.from({ length: 20_000 }, (_, i) => [t0 + 1 + i, 1.5, true] as const);
      history.addSamples('free', rows);
      let failure: unknown = null;
      try {
        history.flush();
      } catch (error) {
        failure = error;
      }
      release();
      expect(String(failure)).toMatch(/database or disk is full|SQLITE_FULL/);
      expect(String(failure)).not.toMatch(/cannot rollback/);
      history.flush();
      expect(history.countSamples(t0, t0 + 30_000)).toBe(20_001);
    } finally {
      history.close();
      // Its rows fill most of the 2 MB; the next test needs room before it fills the disk itself.
      for (const name of readdirSync(mountPoint).filter((n) => n.startsWith('history.db')))
        rmSync(path.join(mountPoint, name), { force: true });
    }
  });

  it("the relay's header store: a failed write is reported once, as it happens, and the chain goes on", () => {
    const failures: string[] = [];
    const file = path.join(mountPoint, 'headers-regtest.dat');
    const chain = new HeaderChain(CHAIN_PARAMS.regtest, {
      file,
      onStoreFailure: (reason) => failures.push(reason),
    });
    const raw = generateRegtestChain(3000);
    const headers = Array.from({ length: 3000 }, (_, i) => raw.subarray((i + 1) * 80, (i + 2) * 80));
    chain.addHeaders(headers.slice(0, 10), 'peer');
    expect(failures).toEqual([]);
    fill();
    try {
      for (let i = 10; i < 3000; i += 100) chain.addHeaders(headers.slice(i, i + 100), 'peer');
    } finally {
      release();
    }
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/ENOSPC|no space/i);
    expect(chain.storeFailure).toBe(failures[0]);
    expect(chain.height).toBe(3000);
    chain.close();
  });
});
