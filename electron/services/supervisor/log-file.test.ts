import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RotatingLogFile } from './log-file';

const logPath = () => path.join(mkdtempSync(path.join(os.tmpdir(), 'sprint-log-')), 'logs', 'relay.log');
const lines = (count: number, from = 0) =>
  Array.from({ length: count }, (_, index) => `{"n":${from + index},"message":"line ${from + index} ✓"}`);

function readAll(file: string, keep: number): string[] {
  const generations = [...Array.from({ length: keep }, (_, i) => `${file}.${keep - i}`), file];
  return generations
    .filter((name) => existsSync(name))
    .flatMap((name) => readFileSync(name, 'utf8').split('\n').filter(Boolean));
}

describe('RotatingLogFile', () => {
  it('never writes on the caller: append queues, flush writes, in order', async () => {
    const file = logPath();
    const log = new RotatingLogFile(file);
    for (const line of lines(100)) log.append(line);
    // Nothing reached the disk inside append itself.
    expect(existsSync(file) ? readFileSync(file, 'utf8') : '').toBe('');
    await log.flush();
    expect(readFileSync(file, 'utf8').split('\n').filter(Boolean)).toEqual(lines(100));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await log.close();
  });

  it('rotates at maxBytes, keeps `keep` old files, each under the limit, and loses no line in between', async () => {
    const file = logPath();
    const log = new RotatingLogFile(file, { maxBytes: 2000, keep: 3 });
    const written = lines(400);
    for (const [index, line] of written.entries()) {
      log.append(line);
      if (index % 17 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await log.close();
    for (const name of [file, `${file}.1`, `${file}.2`, `${file}.3`]) {
      expect(existsSync(name), name).toBe(true);
      expect(statSync(name).size).toBeLessThanOrEqual(2000);
    }
    expect(existsSync(`${file}.4`)).toBe(false);
    const kept = readAll(file, 3);
    // The newest lines, contiguous and in order, end with the last line written.
    expect(kept).toEqual(written.slice(written.length - kept.length));
    expect(kept.length).toBeGreaterThan(150);
  });

  it('picks up the size of an existing file and rotates it when due', async () => {
    const file = logPath();
    const first = new RotatingLogFile(file, { maxBytes: 1000 });
    for (const line of lines(20)) first.append(line);
    await first.close();
    const second = new RotatingLogFile(file, { maxBytes: 1000 });
    for (const line of lines(5, 20)) second.append(line);
    await second.close();
    expect(statSync(file).size).toBeLessThanOrEqual(1000);
    expect(readAll(file, 3)).toEqual(lines(25));
  });

  it('writes everything queued before close resolves (normal shutdown loses nothing)', async () => {
    const file = logPath();
    const log = new RotatingLogFile(file);
    for (const line of lines(20_000)) log.append(line);
    await log.close();
    expect(readFileSync(file, 'utf8').split('\n').filter(Boolean)).toHaveLength(20_000);
    log.append('after close');
    await log.flush();
    expect(readFileSync(file, 'utf8')).not.toContain('after close');
  });

  it('reports an unwritable path once, with the path and the reason, and keeps accepting lines', async () => {
    const file = logPath();
    // The log file's name is taken by a folder: every open fails with EISDIR.
    mkdirSync(file, { recursive: true });
    const reports: string[] = [];
    const log = new RotatingLogFile(file, { onError: (message) => reports.push(message) });
    for (const line of lines(50)) {
      log.append(line);
      await log.flush();
    }
    await log.close();
    expect(reports).toEqual([expect.stringContaining(`Cannot write the log file ${file}: EISDIR`)]);
  });

  it('bounds what waits for the disk, and says how many lines were dropped', async () => {
    const file = logPath();
    const log = new RotatingLogFile(file, { maxPendingBytes: 1000 });
    // All appended before any write can run: the queue fills, the rest are counted.
    for (const line of lines(100)) log.append(line);
    await log.flush();
    log.append('after the burst');
    await log.close();
    const written = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    expect(written.length).toBeLessThan(40);
    expect(written.at(-2)).toMatch(/"message":"\d+ log lines dropped: the disk fell behind"/);
    expect(written.at(-1)).toBe('after the burst');
  });
});
