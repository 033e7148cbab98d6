import { mkdirSync, statSync } from 'node:fs';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

export interface RotatingLogFileOptions {
  readonly maxBytes?: number;
  readonly keep?: number;
  /** Lines waiting for the disk at most (bytes); past it lines are counted and dropped, never queued. */
  readonly maxPendingBytes?: number;
  /** Told once per run of failures, with the path and the reason (the panel shows it in its log). */
  readonly onError?: (message: string) => void;
}

/**
 * Appends lines to a log file, rotating at `maxBytes` and keeping `keep` old files (relay.log.1 …).
 * `append` only queues: the writes run on libuv's threads through one file handle, so a slow or
 * stalled disk never blocks the main process's thread. Lines keep their order across rotations;
 * `close` writes what is queued before it resolves. A failing write is reported once (path and
 * reason) and never stops the supervisor: losing a log line must not cost the relay.
 */
export class RotatingLogFile {
  private size: number;
  private handle: FileHandle | null = null;
  private pending: string[] = [];
  private pendingBytes = 0;
  private dropped = 0;
  private writing: Promise<void> | null = null;
  private failing = false;
  private closed = false;
  private readonly maxBytes: number;
  private readonly keep: number;
  private readonly maxPendingBytes: number;

  constructor(
    readonly filePath: string,
    private readonly options: RotatingLogFileOptions = {},
  ) {
    this.maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
    this.keep = options.keep ?? 3;
    this.maxPendingBytes = options.maxPendingBytes ?? 4 * 1024 * 1024;
    try {
      mkdirSync(path.dirname(filePath), { recursive: true, mode: 0o700 });
    } catch (error) {
      // Reported after construction, so a reporter that logs through this file finds it built.
      queueMicrotask(() => this.fail(error));
    }
    this.size = fileSize(filePath);
  }

  append(line: string): void {
    if (this.closed) return;
    const text = line + '\n';
    if (this.pendingBytes + text.length > this.maxPendingBytes) {
      this.dropped++;
      return;
    }
    if (this.dropped > 0) {
      this.enqueue(
        JSON.stringify({
          at: Date.now(),
          source: 'panel',
          message: `${this.dropped} log lines dropped: the disk fell behind`,
        }) + '\n',
      );
      this.dropped = 0;
    }
    this.enqueue(text);
  }

  /** Resolves once every queued line is written (or failed). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  /** Writes what is queued, then closes the file; later appends are ignored. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    await this.handle?.close().catch(() => undefined);
    this.handle = null;
  }

  private enqueue(text: string): void {
    this.pending.push(text);
    this.pendingBytes += text.length;
    this.writing ??= this.drain().finally(() => {
      this.writing = null;
    });
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      // One write per batch, cut where the file must rotate so each file stays under maxBytes.
      let batch = '';
      let bytes = 0;
      while (this.pending.length > 0) {
        const next = this.pending[0]!;
        const nextBytes = Buffer.byteLength(next);
        if (batch !== '' && this.size + bytes + nextBytes > this.maxBytes) break;
        if (batch === '' && this.size > 0 && this.size + nextBytes > this.maxBytes) break;
        batch += next;
        bytes += nextBytes;
        this.pending.shift();
        this.pendingBytes -= next.length;
      }
      if (batch === '') {
        await this.rotate().catch((error: unknown) => {
          this.fail(error);
          // Keep writing to the one file rather than retrying the rotation for every line.
          this.size = 0;
        });
        continue;
      }
      try {
        this.handle ??= await open(this.filePath, 'a', 0o600);
        await this.handle.write(batch);
        this.size += bytes;
        this.failing = false;
      } catch (error) {
        this.fail(error);
        await this.handle?.close().catch(() => undefined);
        this.handle = null;
      }
    }
  }

  private async rotate(): Promise<void> {
    await this.handle?.close().catch(() => undefined);
    this.handle = null;
    await rm(`${this.filePath}.${this.keep}`, { force: true });
    for (let index = this.keep - 1; index >= 1; index--) {
      // A generation that does not exist yet is not an error.
      await rename(`${this.filePath}.${index}`, `${this.filePath}.${index + 1}`).catch(() => undefined);
    }
    await rename(this.filePath, `${this.filePath}.1`);
    this.size = 0;
  }

  private fail(error: unknown): void {
    if (this.failing) return;
    this.failing = true;
    const reason = error instanceof Error ? error.message : String(error);
    const message = `Cannot write the log file ${this.filePath}: ${reason}`;
    if (this.options.onError) this.options.onError(message);
    else process.stderr.write(`${message}\n`);
  }
}

function fileSize(filePath: string): number {
  try {
    return statSync(filePath).size;
  } catch {
    return 0;
  }
}
