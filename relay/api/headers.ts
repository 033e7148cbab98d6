import type { BitcoinNetwork } from '../../shared/relay-contract';
import { type HeaderRecord, type HeadersPage, MAX_HEADERS_PER_REQUEST } from '../../shared/relay-stream';
import type { ChainEntry, HeaderChain } from '../chain/chain';
import { hashToHex } from '../wire/bytes';

export interface HeaderAnswer {
  readonly status: 200 | 400 | 404;
  readonly body: HeaderRecord | HeadersPage | { error: string };
}

/** GET /v1/btc/header/{height|hash} and GET /v1/btc/headers?from=H&count=N, from the header store. */
export interface HeaderQueries {
  one(id: string): HeaderAnswer;
  page(query: URLSearchParams): HeaderAnswer;
}

export function record(e: ChainEntry): HeaderRecord {
  const h = e.header;
  return {
    height: e.height,
    hash: h.hash,
    header: h.raw.toString('hex'),
    prevHash: hashToHex(h.prevHash),
    time: h.time,
    bits: h.bits,
    chainwork: e.work.toString(16),
  };
}

const HEIGHT = /^\d{1,10}$/;
const HASH = /^[0-9a-fA-F]{64}$/;

export function headerQueries(
  chain: HeaderChain,
  network: BitcoinNetwork,
  stream: () => { seq: number; epoch: string },
): HeaderQueries {
  return {
    one(id) {
      if (HEIGHT.test(id)) {
        const e = chain.atHeight(Number(id));
        return e
          ? { status: 200, body: record(e) }
          : { status: 404, body: { error: `no header at height ${id}: the tip is ${chain.height}` } };
      }
      if (!HASH.test(id)) {
        return {
          status: 400,
          body: { error: 'give a height (a whole number) or a block hash (64 hex digits)' },
        };
      }
      const e = chain.get(id.toLowerCase());
      // Only the best chain: a side-branch entry has a height that another header answers for.
      if (!e || chain.atHeight(e.height)?.header.hash !== e.header.hash) {
        return { status: 404, body: { error: `block ${id.toLowerCase()} is not on the best chain` } };
      }
      return { status: 200, body: record(e) };
    },
    page(query) {
      const fromRaw = query.get('from');
      const countRaw = query.get('count');
      if (fromRaw === null || !HEIGHT.test(fromRaw)) {
        return { status: 400, body: { error: 'from must be a height (a whole number)' } };
      }
      if (countRaw !== null && (!HEIGHT.test(countRaw) || Number(countRaw) < 1)) {
        return {
          status: 400,
          body: {
            error: `count must be a whole number from 1 (at most ${MAX_HEADERS_PER_REQUEST} are returned)`,
          },
        };
      }
      const from = Number(fromRaw);
      const count = Math.min(
        countRaw === null ? MAX_HEADERS_PER_REQUEST : Number(countRaw),
        MAX_HEADERS_PER_REQUEST,
      );
      const headers: HeaderRecord[] = [];
      for (let h = from; h < from + count && h <= chain.height; h++)
        headers.push(record(chain.atHeight(h) as ChainEntry));
      const tip = chain.tip;
      const { seq, epoch } = stream();
      return {
        status: 200,
        body: { network, from, headers, tip: { height: tip.height, hash: tip.header.hash }, seq, epoch },
      };
    },
  };
}
