/**
 * Hash → height for the main chain, as an open-addressing table in one Uint32Array (4 bytes a slot,
 * about 10 bytes a header at the load factor kept) instead of a Map of hex strings. Slots hold
 * height + 1 keyed by the hash's first four wire bytes, which are uniformly random for any header;
 * a hit is confirmed against the full hash by the caller's `matches`, so prefix collisions only cost
 * a probe. Neither callback allocates: they read the stored headers in place.
 */
const EMPTY = 0;
const DELETED = 0xffffffff;

export class HashIndex {
  private slots: Uint32Array;
  private mask: number;
  private used = 0;
  private deleted = 0;

  constructor(
    /** The first four bytes (little-endian u32) of the hash stored at `height`. */
    private readonly keyAt: (height: number) => number,
    private readonly matches: (height: number, hash: Uint8Array) => boolean,
    capacityHint = 1024,
  ) {
    let size = 1024;
    while (size < capacityHint * 2) size *= 2;
    this.slots = new Uint32Array(size);
    this.mask = size - 1;
  }

  get size(): number {
    return this.used;
  }

  get bytes(): number {
    return this.slots.byteLength;
  }

  private static key(hash: Uint8Array): number {
    return ((hash[0] ?? 0) | ((hash[1] ?? 0) << 8) | ((hash[2] ?? 0) << 16) | ((hash[3] ?? 0) << 24)) >>> 0;
  }

  /** Makes room for `entries` in all before a bulk insert, so it rehashes once, not log n times. */
  reserve(entries: number): void {
    let size = this.slots.length;
    while (size < entries * 2) size *= 2;
    if (size > this.slots.length) this.rebuild(size);
  }

  /** Height of this hash on the main chain, or -1. */
  find(hash: Uint8Array): number {
    let i = HashIndex.key(hash) & this.mask;
    for (;;) {
      const v = this.slots[i] ?? EMPTY;
      if (v === EMPTY) return -1;
      if (v !== DELETED && this.matches(v - 1, hash)) return v - 1;
      i = (i + 1) & this.mask;
    }
  }

  insert(hash: Uint8Array, height: number): void {
    this.insertKey(HashIndex.key(hash), height);
  }

  /** Inserts the hash already stored at `height` (bulk load: no hash buffer needed). */
  insertStored(height: number): void {
    this.insertKey(this.keyAt(height), height);
  }

  private insertKey(key: number, height: number): void {
    if ((this.used + this.deleted + 1) * 2 > this.slots.length) this.rehash(this.used + 1);
    let i = key & this.mask;
    while ((this.slots[i] ?? EMPTY) !== EMPTY && this.slots[i] !== DELETED) i = (i + 1) & this.mask;
    if (this.slots[i] === DELETED) this.deleted--;
    this.slots[i] = height + 1;
    this.used++;
  }

  /** Removes `height`, whose hash is `hash` (the caller still has it: removal precedes truncation). */
  remove(hash: Uint8Array, height: number): void {
    let i = HashIndex.key(hash) & this.mask;
    for (;;) {
      const v = this.slots[i] ?? EMPTY;
      if (v === EMPTY) return;
      if (v === height + 1) {
        this.slots[i] = DELETED;
        this.used--;
        this.deleted++;
        return;
      }
      i = (i + 1) & this.mask;
    }
  }

  private rehash(minEntries: number): void {
    let size = this.slots.length;
    while (size < minEntries * 2 * 1.5) size *= 2;
    this.rebuild(size);
  }

  private rebuild(size: number): void {
    const old = this.slots;
    this.slots = new Uint32Array(size);
    this.mask = size - 1;
    this.used = 0;
    this.deleted = 0;
    for (const v of old) {
      if (v === EMPTY || v === DELETED) continue;
      let i = this.keyAt(v - 1) & this.mask;
      while ((this.slots[i] ?? EMPTY) !== EMPTY) i = (i + 1) & this.mask;
      this.slots[i] = v;
      this.used++;
    }
  }
}
