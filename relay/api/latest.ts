import type { BitcoinNetwork, BlockAnnouncement } from '../../shared/relay-contract';

/** What /v1/btc/latest and the streams carry: the contract's announcement plus the network. */
export type LatestPayload = BlockAnnouncement & { network: BitcoinNetwork };

/**
 * The latest block as served by GET /v1/btc/latest. With PREALLOC_BUFFERS the body and headers are
 * built once per block, so a request costs a lookup and a write; without it each request serialises
 * afresh, which is the behaviour the knob is measured against.
 */
export class LatestBlock {
  private payload: LatestPayload | null = null;
  private body: Buffer | null = null;
  private headers: Record<string, string> | null = null;

  constructor(private readonly prealloc: boolean) {}

  get current(): LatestPayload | null {
    return this.payload;
  }

  /** `json` is the already-serialised payload when the caller has it (the stream fan-out does). */
  set(payload: LatestPayload, json?: string): void {
    this.payload = payload;
    if (!this.prealloc) return;
    this.body = Buffer.from(json ?? JSON.stringify(payload));
    this.headers = {
      'content-type': 'application/json',
      'content-length': String(this.body.length),
      'cache-control': 'no-store',
    };
  }

  response(): { body: Buffer | string; headers: Record<string, string> } | null {
    if (!this.payload) return null;
    if (this.body && this.headers) return { body: this.body, headers: this.headers };
    const body = JSON.stringify(this.payload);
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'cache-control': 'no-store',
      },
    };
  }
}
