import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AtomicFile } from './atomic-file';

let dir = '';
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('AtomicFile', () => {
  it('waits out back-pressure without leaving a listener behind per wait', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'atomic-file-'));
    const file = AtomicFile.create(dir, 'big.csv');
    const stream = (file as unknown as { stream: NodeJS.EventEmitter }).stream;
    const before = stream.listenerCount('error');
    // 64 KiB chunks fill the stream's 16 KiB buffer on every write: each one waits for 'drain'.
    const chunk = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 50; i++) await file.write(chunk);
    expect(stream.listenerCount('error')).toBe(before);
    const { path: published, bytes } = await file.commit();
    expect(bytes).toBe(50 * chunk.length);
    expect((await readFile(published, 'utf8')).length).toBe(50 * chunk.length);
    // Only the published file remains: no temporary left over.
    expect(await readdir(dir)).toEqual(['big.csv']);
  });
});
