import fs from 'node:fs';
import { crc32 } from 'node:zlib';
import { HEADER_BYTES } from '../wire/header';

const MAGIC = 0x52444853; // "SHDR"
const RECORD_HEAD = 16;
/** One record never holds more than one headers message: a torn write loses at most that. */
export const MAX_BATCH = 2000;

export interface StoredBatch {
  readonly start: number;
  readonly count: number;
  /** count × 80 raw header bytes; only valid during the callback (the read buffer is reused). */
  readonly data: Buffer;
  /** The file's last record: where a crash would have landed. */
  readonly last: boolean;
}

/** Returns false to stop loading here: this record and everything after it is cut off. */
export type OnBatch = (batch: StoredBatch) => boolean;

export interface LoadResult {
  /** Set when the file ended in a torn or corrupt record, or a record was refused, and was cut off. */
  readonly repaired: { readonly atByte: number; readonly why: string } | null;
}

const WINDOW = 4 * 1024 * 1024;

/**
 * The header store on disk: an append-only file of records, each a batch of raw headers with its
 * first height and a CRC-32. A crash mid-write leaves a short or mismatching last record, which
 * load() finds and cuts off. Reorgs cut the file back to the fork and append the new branch.
 */
export class HeaderFile {
  private readonly starts: number[] = [];
  private readonly offsets: number[] = [];
  private size = 0;

  private constructor(
    readonly path: string,
    private readonly fd: number,
  ) {}

  static open(path: string, onBatch: OnBatch): { file: HeaderFile; loaded: LoadResult } {
    const fd = fs.openSync(path, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600);
    const file = new HeaderFile(path, fd);
    return { file, loaded: file.load(onBatch) };
  }

  /**
   * Streams the file through a 4 MB window (never the whole 74 MB in memory at once), handing each
   * whole, checksummed record to `onBatch`, and cuts the file after the last good one.
   */
  private load(onBatch: OnBatch): LoadResult {
    const size = fs.fstatSync(this.fd).size;
    const buf = Buffer.allocUnsafe(WINDOW);
    let filled = 0;
    let base = 0; // file offset of buf[0]
    let at = 0; // file offset of the next record
    let next = 1;
    let why: string | null = null;
    const fill = (): void => {
      const keep = at - base;
      buf.copy(buf, 0, keep, filled);
      filled -= keep;
      base = at;
      filled += fs.readSync(this.fd, buf, filled, WINDOW - filled, base + filled);
    };
    while (at < size) {
      if (base + filled - at < RECORD_HEAD) fill();
      const rel = at - base;
      if (filled - rel < RECORD_HEAD) {
        why = 'torn record head';
        break;
      }
      const start = buf.readUInt32LE(rel + 4);
      const count = buf.readUInt32LE(rel + 8);
      if (buf.readUInt32LE(rel) !== MAGIC || count === 0 || count > MAX_BATCH) {
        why = 'bad record head';
        break;
      }
      if (start !== next) {
        why = `record starts at ${start}, expected ${next}`;
        break;
      }
      const end = at + RECORD_HEAD + count * HEADER_BYTES;
      if (end > size) {
        why = 'torn record body';
        break;
      }
      if (end > base + filled) fill();
      const body = buf.subarray(at - base + RECORD_HEAD, end - base);
      if (crc32(body) !== buf.readUInt32LE(at - base + 12)) {
        why = 'checksum mismatch';
        break;
      }
      if (!onBatch({ start, count, data: body, last: end === size })) {
        why = `record at height ${start} refused`;
        break;
      }
      this.starts.push(start);
      this.offsets.push(at);
      next = start + count;
      at = end;
    }
    this.size = at;
    if (why !== null) fs.ftruncateSync(this.fd, at);
    return { repaired: why === null ? null : { atByte: at, why } };
  }

  /** Cuts the file so it ends with the last record wholly below `height` + 1, then returns its end height. */
  cutAbove(height: number): number {
    let i = this.starts.length - 1;
    while (i >= 0 && (this.starts[i] ?? 0) > height) i--;
    // Record i holds height (or ends below it); drop it too unless it ends exactly at height.
    const keep = i >= 0 && this.endOf(i) <= height + 1 ? i + 1 : i;
    const offset = this.offsets[keep] ?? this.size;
    this.starts.length = keep;
    this.offsets.length = keep;
    this.size = offset;
    fs.ftruncateSync(this.fd, offset);
    return keep === 0 ? 0 : this.endOf(keep - 1) - 1;
  }

  /** Height of the last header in the file (0: none beyond genesis). */
  get topHeight(): number {
    return this.starts.length === 0 ? 0 : this.endOf(this.starts.length - 1) - 1;
  }

  private endOf(i: number): number {
    const next = this.offsets[i + 1] ?? this.size;
    return (this.starts[i] ?? 0) + (next - (this.offsets[i] ?? 0) - RECORD_HEAD) / HEADER_BYTES;
  }

  /** Appends headers `start`..`start + count - 1` in records of at most MAX_BATCH. */
  append(start: number, data: Uint8Array, count: number): void {
    for (let done = 0; done < count; done += MAX_BATCH) {
      const n = Math.min(MAX_BATCH, count - done);
      const body = data.subarray(done * HEADER_BYTES, (done + n) * HEADER_BYTES);
      const head = Buffer.allocUnsafe(RECORD_HEAD);
      head.writeUInt32LE(MAGIC, 0);
      head.writeUInt32LE(start + done, 4);
      head.writeUInt32LE(n, 8);
      head.writeUInt32LE(crc32(body), 12);
      this.starts.push(start + done);
      this.offsets.push(this.size);
      fs.writevSync(this.fd, [head, body], this.size);
      this.size += RECORD_HEAD + body.length;
    }
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}
