import { statSync } from 'node:fs';
import { HEADER_BYTES } from '../wire/header';
import { HeaderFile } from './header-file';
import type { MainChain } from './main-chain';
import { sha256d } from '../wire/bytes';

export interface ChainStore {
  /** Why the file was cut back at start (torn write, corrupt record, broken link), or null. */
  readonly repaired: string | null;
  /** Writes main-chain headers from `firstNew` to the tip; after a reorg the file is cut back first. */
  write(firstNew: number, reorg: boolean): void;
  /** Set when a write failed: the chain goes on in memory and the reason is reported. */
  readonly failure: string | null;
  close(): void;
}

type Verify = (raw: Buffer, hash: Buffer, height: number) => void;

/**
 * Loads the header file into `main` and keeps it in step. Records before the last are trusted: we
 * wrote them only after validating every header, and each carries a CRC-32 that catches a torn or
 * damaged write. Their linkage to what precedes them is still checked (a record's first prevHash
 * must be the tip so far), which costs one hash per record. The last record is re-validated header
 * by header, since that is where a crash lands. Anything that fails is cut off the file.
 */
export function openStore(path: string, main: MainChain, verify: Verify): ChainStore {
  let refused: string | null = null;
  const { file, loaded } = HeaderFile.open(path, (b) => {
    if (b.start !== main.height + 1 || !b.data.subarray(4, 36).equals(main.tipHash)) {
      refused = `record at height ${b.start} does not link to height ${main.height}`;
      return false;
    }
    if (!b.last) {
      if (b.start === 1) main.reserve(Math.floor(fsSize(path) / HEADER_BYTES) + 1);
      main.appendTrusted(b.data, b.count, sha256d(b.data.subarray((b.count - 1) * HEADER_BYTES)));
      return true;
    }
    for (let k = 0; k < b.count; k++) {
      const raw = b.data.subarray(k * HEADER_BYTES, (k + 1) * HEADER_BYTES);
      const hash = sha256d(raw);
      try {
        if (!raw.subarray(4, 36).equals(main.tipHash)) throw new Error('broken link');
        verify(raw, hash, main.height + 1);
      } catch (err) {
        refused = `header at height ${main.height + 1} failed validation (${err instanceof Error ? err.message : String(err)})`;
        return false;
      }
      main.append(raw, hash);
    }
    return true;
  });
  const repaired =
    refused ?? (loaded.repaired ? `${loaded.repaired.why} at byte ${loaded.repaired.atByte}` : null);
  // A last record refused part way: what was accepted of it goes back in as a fresh record.
  if (main.height > file.topHeight) appendRange(file, main, file.topHeight + 1);
  let failure: string | null = null;
  return {
    repaired,
    get failure() {
      return failure;
    },
    write(firstNew, reorg) {
      if (failure !== null) return;
      try {
        const from = reorg ? file.cutAbove(firstNew - 1) + 1 : firstNew;
        appendRange(file, main, from);
      } catch (err) {
        failure = err instanceof Error ? err.message : String(err);
      }
    },
    close: () => file.close(),
  };
}

function fsSize(path: string): number {
  return statSync(path).size;
}

function appendRange(file: HeaderFile, main: MainChain, from: number): void {
  // Straight from the chain's chunks (views, no copy), one run per chunk.
  for (let h = from; h <= main.height;) {
    const run = main.contiguousFrom(h);
    file.append(h, run, run.length / HEADER_BYTES);
    h += run.length / HEADER_BYTES;
  }
}
