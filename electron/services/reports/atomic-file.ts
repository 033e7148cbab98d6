import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { access, link, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';

/**
 * A file that appears under its final name only when complete. Writes go to a hidden temporary file
 * in the same folder (so the final rename is atomic: same filesystem), and a cancel or failure
 * unlinks it: an auditor never finds a truncated report that looks whole.
 */
export class AtomicFile {
  private readonly stream: WriteStream;
  private failure: Error | null = null;
  private settled = false;

  private constructor(
    readonly dir: string,
    readonly fileName: string,
    readonly tempPath: string,
  ) {
    // Reports hold the operator's measurements: readable by their owner only.
    this.stream = createWriteStream(tempPath, { flags: 'wx', mode: 0o600 });
    // Remember the error; it surfaces on the next write or on commit instead of crashing the process.
    this.stream.on('error', (error) => (this.failure ??= error));
  }

  static create(dir: string, fileName: string, tempSuffix = '.part'): AtomicFile {
    const temp = path.join(dir, `.${fileName}.${randomBytes(6).toString('hex')}${tempSuffix}`);
    return new AtomicFile(dir, fileName, temp);
  }

  /** Writes a chunk, waiting for the stream to drain so a fast reader never queues a whole day in memory. */
  async write(chunk: string): Promise<void> {
    if (this.failure) throw this.failure;
    if (!this.stream.write(chunk)) {
      // once() rejects on 'error' by itself; racing a second once(…, 'error') left one listener behind
      // for every wait (a long export warned of an EventEmitter leak after ten).
      await once(this.stream, 'drain');
    }
    if (this.failure) throw this.failure;
  }

  /** Closes the temporary file (flushed and closed), without publishing it. */
  async close(): Promise<void> {
    if (this.stream.closed) return;
    const closed = once(this.stream, 'close');
    this.stream.end();
    await closed;
    if (this.failure) throw this.failure;
  }

  /** Closes and publishes under a free final name (never overwriting another report); returns path and size. */
  async commit(): Promise<{ path: string; fileName: string; bytes: number }> {
    await this.close();
    const published = await publish(this.tempPath, this.dir, this.fileName);
    this.settled = true;
    return { ...published, bytes: (await stat(published.path)).size };
  }

  /** Removes the temporary file; safe to call in any state, and after commit it does nothing. */
  async discard(): Promise<void> {
    if (this.settled) return;
    this.settled = true;
    this.stream.destroy();
    if (!this.stream.closed) await once(this.stream, 'close').catch(() => undefined);
    await unlink(this.tempPath).catch(() => undefined);
  }
}

function candidates(fileName: string): (i: number) => string {
  const ext = path.extname(fileName);
  const base = fileName.slice(0, fileName.length - ext.length);
  return (i) => (i === 1 ? fileName : `${base}-${i}${ext}`);
}

const errorCode = (e: unknown): unknown => (e instanceof Error && 'code' in e ? e.code : undefined);

/**
 * "name.csv", then "name-2.csv", "name-3.csv"…: a second export of a period keeps the first. A hard
 * link claims a name atomically (EEXIST if taken), so two exports finishing together cannot both
 * take one name; on a filesystem without hard links (FAT, some network shares) a check-then-rename.
 */
export async function publish(
  tempPath: string,
  dir: string,
  fileName: string,
): Promise<{ path: string; fileName: string }> {
  const name = candidates(fileName);
  for (let i = 1; ; i++) {
    const candidate = name(i);
    const full = path.join(dir, candidate);
    try {
      await link(tempPath, full);
      await unlink(tempPath);
      return { path: full, fileName: candidate };
    } catch (error) {
      if (errorCode(error) === 'EEXIST') continue;
      if (await exists(full)) continue;
      await rename(tempPath, full);
      return { path: full, fileName: candidate };
    }
  }
}

async function exists(p: string): Promise<boolean> {
  return access(p).then(
    () => true,
    () => false,
  );
}
