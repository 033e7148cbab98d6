import { HEADER_BYTES } from '../wire/header';
import { HashIndex } from './hash-index';
import { workOf } from './pow';

const CHUNK_SHIFT = 16;
const CHUNK_HEADERS = 1 << CHUNK_SHIFT;
const CHUNK_MASK = CHUNK_HEADERS - 1;
/** Cumulative work is kept as a bigint once per this many headers and summed within the span. */
const WORK_SPAN = 2016;

/**
 * The best chain as raw 80-byte headers in fixed 5 MB chunks (no object per header, no copying as it
 * grows) plus a hash index. A header's hash is the next header's prevHash field, so only the tip's
 * hash is stored separately.
 */
export class MainChain {
  private readonly chunks: Buffer[] = [];
  private count = 0;
  private tipHashBytes: Buffer = Buffer.alloc(32);
  private readonly index: HashIndex;
  /** spanWork[k]: cumulative work through height (k + 1) * WORK_SPAN - 1. */
  private readonly spanWork: bigint[] = [];
  private work = 0n;
  private runBits = -1;
  private runCount = 0;

  constructor(genesisRaw: Buffer, genesisHash: Buffer, capacityHint = 1024) {
    this.index = new HashIndex(
      (h) => this.keyAt(h),
      (h, hash) => this.hashMatches(h, hash),
      capacityHint,
    );
    this.append(genesisRaw, genesisHash);
  }

  get height(): number {
    return this.count - 1;
  }

  get tipHash(): Buffer {
    return this.tipHashBytes;
  }

  get tipWork(): bigint {
    this.flushWork();
    return this.work;
  }

  /** Bytes held for headers and index: what "compact" is measured by. */
  get bytes(): number {
    return this.chunks.length * CHUNK_HEADERS * HEADER_BYTES + this.index.bytes;
  }

  headerAt(height: number): Buffer {
    const chunk = this.chunks[height >>> CHUNK_SHIFT];
    if (!chunk || height < 0 || height >= this.count) throw new RangeError(`no header at ${height}`);
    const at = (height & CHUNK_MASK) * HEADER_BYTES;
    return chunk.subarray(at, at + HEADER_BYTES);
  }

  /** Headers from `height` to the tip or the end of its chunk, whichever comes first, as one view. */
  contiguousFrom(height: number): Buffer {
    const chunk = this.chunkAt(height);
    const end = Math.min(this.count - 1, (height | CHUNK_MASK) >>> 0);
    return chunk.subarray((height & CHUNK_MASK) * HEADER_BYTES, ((end & CHUNK_MASK) + 1) * HEADER_BYTES);
  }

  hashAt(height: number): Buffer {
    if (height === this.count - 1) return this.tipHashBytes;
    return this.headerAt(height + 1).subarray(4, 36);
  }

  private chunkAt(height: number): Buffer {
    const chunk = this.chunks[height >>> CHUNK_SHIFT];
    if (!chunk || height < 0 || height >= this.count) throw new RangeError(`no header at ${height}`);
    return chunk;
  }

  // Field reads straight from the chunk: these run per header during sync and load, so no views.
  private u32At(height: number, field: number): number {
    return this.chunkAt(height).readUInt32LE((height & CHUNK_MASK) * HEADER_BYTES + field);
  }

  timeAt(height: number): number {
    return this.u32At(height, 68);
  }

  bitsAt(height: number): number {
    return this.u32At(height, 72);
  }

  private keyAt(height: number): number {
    return height === this.count - 1 ? this.tipHashBytes.readUInt32LE(0) : this.u32At(height + 1, 4);
  }

  private hashMatches(height: number, hash: Uint8Array): boolean {
    if (height === this.count - 1) return this.tipHashBytes.equals(hash);
    const next = height + 1;
    const at = (next & CHUNK_MASK) * HEADER_BYTES + 4;
    return this.chunkAt(next).compare(hash, 0, 32, at, at + 32) === 0;
  }

  /** Height of a main-chain hash, or -1. */
  find(hash: Uint8Array): number {
    return this.index.find(hash);
  }

  /** Cumulative work from genesis through `height`. */
  workAt(height: number): bigint {
    return height === this.count - 1 ? this.tipWork : this.sumWork(height);
  }

  /**
   * The last sum asked for: side branches forking at one height ask for its work once per header, and
   * each sum walks up to 2,015 headers. Only a truncate below it changes that height's work.
   */
  private workMemo: { height: number; work: bigint } | null = null;

  private sumWork(height: number): bigint {
    if (this.workMemo?.height === height) return this.workMemo.work;
    const work = this.sumWorkFromSpans(height);
    this.workMemo = { height, work };
    return work;
  }

  private sumWorkFromSpans(height: number): bigint {
    const span = Math.floor(height / WORK_SPAN);
    let w = span > 0 ? (this.spanWork[span - 1] ?? 0n) : 0n;
    for (let h = span * WORK_SPAN; h <= height; h++) w += workOf(this.bitsAt(h));
    return w;
  }

  /** Appends one validated header whose prevHash is the tip. */
  append(raw: Uint8Array, hash: Uint8Array): void {
    this.copyIn(raw, 0, 1);
    // sha256d hands us a fresh buffer nobody else writes to: keep it rather than copy.
    this.tipHashBytes = Buffer.isBuffer(hash) ? hash : Buffer.from(hash);
    this.index.insert(this.tipHashBytes, this.count - 1);
    this.account(this.count - 1, this.count);
  }

  /** Sizes the index for a bulk load of about `total` headers. */
  reserve(total: number): void {
    this.index.reserve(total);
  }

  /**
   * Appends `n` headers already validated in an earlier run (our own file, checksummed): their
   * hashes come from the following header's prevHash; only the last one is given.
   */
  appendTrusted(raws: Uint8Array, n: number, lastHash: Uint8Array): void {
    const from = this.count;
    this.copyIn(raws, 0, n);
    this.tipHashBytes = Buffer.from(lastHash);
    this.index.reserve(this.count);
    for (let h = from; h < this.count; h++) this.index.insertStored(h);
    this.account(from, this.count);
  }

  /** Drops every header above `height` (a reorg's first step). */
  truncate(height: number): void {
    if (height >= this.count - 1) return;
    if (height < 0) throw new RangeError('cannot truncate below genesis');
    if (this.workMemo && this.workMemo.height > height) this.workMemo = null;
    const newTipHash = Buffer.from(this.hashAt(height));
    for (let h = this.count - 1; h > height; h--) this.index.remove(Buffer.from(this.hashAt(h)), h);
    this.count = height + 1;
    this.chunks.length = ((this.count - 1) >>> CHUNK_SHIFT) + 1;
    this.tipHashBytes = newTipHash;
    this.spanWork.length = Math.floor(this.count / WORK_SPAN);
    this.runCount = 0;
    this.work = this.sumWork(height);
  }

  private copyIn(src: Uint8Array, offset: number, n: number): void {
    const last = this.chunks[this.count >>> CHUNK_SHIFT];
    if (n === 1 && offset === 0 && last && src.length === HEADER_BYTES) {
      // The sync path: one header at a time, no view to make.
      last.set(src, (this.count & CHUNK_MASK) * HEADER_BYTES);
      this.count++;
      return;
    }
    let done = 0;
    while (done < n) {
      const h = this.count + done;
      let chunk = this.chunks[h >>> CHUNK_SHIFT];
      if (!chunk) {
        chunk = Buffer.allocUnsafeSlow(CHUNK_HEADERS * HEADER_BYTES);
        this.chunks.push(chunk);
      }
      // Copy the run that fits in this chunk in one go.
      const run = Math.min(n - done, CHUNK_HEADERS - (h & CHUNK_MASK));
      const from = offset + done * HEADER_BYTES;
      chunk.set(src.subarray(from, from + run * HEADER_BYTES), (h & CHUNK_MASK) * HEADER_BYTES);
      done += run;
    }
    this.count += n;
  }

  /** Adds the work of heights [from, to) to the tip's, recording span totals as they complete. */
  private account(from: number, to: number): void {
    for (let h = from; h < to; h++) {
      const bits = this.bitsAt(h);
      if (bits !== this.runBits) {
        this.flushWork();
        this.runBits = bits;
      }
      this.runCount++;
      if ((h + 1) % WORK_SPAN === 0) {
        this.flushWork();
        this.spanWork.push(this.work);
      }
    }
  }

  /** Work is added per run of equal bits as a plain count, so a header costs no bigint arithmetic. */
  private flushWork(): void {
    if (this.runCount > 0) this.work += BigInt(this.runCount) * workOf(this.runBits);
    this.runCount = 0;
  }
}
