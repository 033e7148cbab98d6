import { TokenBucket } from './token-bucket';
import type { Violation } from './violations';

/**
 * Every command of the Bitcoin P2P protocol a node may legitimately send (BIPs 14-339 and Core's
 * protocol.h). Anything else is "unknown": ignored for forward compatibility, but rate limited, so a
 * flood of made-up commands is scored and dropped rather than absorbed silently.
 */
const PROTOCOL_COMMANDS = new Set([
  'version',
  'verack',
  'addr',
  'addrv2',
  'sendaddrv2',
  'inv',
  'getdata',
  'merkleblock',
  'getblocks',
  'getheaders',
  'tx',
  'headers',
  'block',
  'getaddr',
  'mempool',
  'ping',
  'pong',
  'notfound',
  'filterload',
  'filteradd',
  'filterclear',
  'sendheaders',
  'feefilter',
  'sendcmpct',
  'cmpctblock',
  'getblocktxn',
  'blocktxn',
  'getcfilters',
  'cfilter',
  'getcfheaders',
  'cfheaders',
  'getcfcheckpt',
  'cfcheckpt',
  'wtxidrelay',
  'sendtxrcncl',
  'reject',
  'alert',
]);

interface Limit {
  readonly perSecond: number;
  readonly burst: number;
  /** Points per message over the limit. */
  readonly points: number;
}

/**
 * Generous for an honest node: Core pings every 2 minutes, sends one getheaders per announcement it
 * cannot connect, and with relay=false announces only blocks (a handful of inv entries each).
 */
export const RATE_LIMITS = {
  ping: { perSecond: 2, burst: 20, points: 10 },
  getheaders: { perSecond: 10, burst: 50, points: 10 },
  invEntries: { perSecond: 1000, burst: 5000, points: 20 },
  unknown: { perSecond: 5, burst: 50, points: 10 },
} as const satisfies Record<string, Limit>;

/** An inv entry is a 4-byte type and a 32-byte hash; the count prefix is too small to matter. */
const INV_ENTRY_BYTES = 36;

export type Admission =
  { readonly buffer: true } | { readonly buffer: false; readonly violation: Violation | null };
const ACCEPT: Admission = { buffer: true };

/** One connection's token buckets, one per message class. */
export class PeerRateLimits {
  unknownCommands = 0;
  private readonly ping: TokenBucket;
  private readonly getheaders: TokenBucket;
  private readonly invEntries: TokenBucket;
  private readonly unknown: TokenBucket;

  constructor(now: () => number = Date.now) {
    const bucket = (l: Limit): TokenBucket => new TokenBucket(l.perSecond, l.burst, now);
    this.ping = bucket(RATE_LIMITS.ping);
    this.getheaders = bucket(RATE_LIMITS.getheaders);
    this.invEntries = bucket(RATE_LIMITS.invEntries);
    this.unknown = bucket(RATE_LIMITS.unknown);
  }

  /**
   * Judged from the frame header, before the payload is buffered. `buffer: false` means the payload
   * is read past unstored: an inv over its limit (its length says how many entries it carries), an
   * unknown command (nobody parses it) or a transaction (we asked for none: version relay=false).
   */
  admit(command: string, length: number): Admission {
    if (command === 'inv') {
      const n = Math.floor(length / INV_ENTRY_BYTES);
      if (this.invEntries.take(n)) return ACCEPT;
      const l = RATE_LIMITS.invEntries;
      return {
        buffer: false,
        violation: {
          code: 'INV_FLOOD',
          points: l.points,
          message: `inv of ${n} entries over the limit of ${l.burst} entries, ${l.perSecond}/s`,
        },
      };
    }
    if (command === 'tx') return { buffer: false, violation: null };
    if (PROTOCOL_COMMANDS.has(command)) return ACCEPT;
    this.unknownCommands++;
    if (this.unknown.take()) return { buffer: false, violation: null };
    const violation = over(
      'UNKNOWN_COMMAND_FLOOD',
      RATE_LIMITS.unknown,
      JSON.stringify(command),
      'unknown commands',
    );
    return { buffer: false, violation };
  }

  /** For a buffered message: null when it may be processed; otherwise the violation, and it is skipped. */
  check(command: string): Violation | null {
    switch (command) {
      case 'ping':
        return this.ping.take() ? null : over('PING_FLOOD', RATE_LIMITS.ping, 'ping', 'pings');
      case 'getheaders':
        return this.getheaders.take()
          ? null
          : over('GETHEADERS_FLOOD', RATE_LIMITS.getheaders, 'getheaders', 'getheaders');
    }
    return null;
  }
}

function over(code: Violation['code'], l: Limit, what: string, plural: string): Violation {
  return {
    code,
    points: l.points,
    message: `${what} over the limit of ${l.perSecond} ${plural}/s (burst ${l.burst})`,
  };
}
