import { describe, expect, it } from 'vitest';
import { MAX_NODES, parseNodeList } from './node-address';

describe('parseNodeList (BITCOIN_NODE)', () => {
  it('accepts host:port lists, IPv6 in brackets, and a missing port as the default', () => {
    expect(parseNodeList('127.0.0.1:18444, node.example.org,[::1]:8333', 18444)).toEqual({
      ok: true,
      nodes: [
        { host: '127.0.0.1', port: 18444 },
        { host: 'node.example.org', port: 18444 },
        { host: '::1', port: 8333 },
      ],
    });
  });

  it.each([
    ['127.0.0.1:99999', /port 99999 is outside 1-65535/],
    ['127.0.0.1:0', /port 0/],
    ['300.1.1.1:8333', /not an IPv4 address/],
    ['bad host:8333', /not a host name/],
    ['-bad.example:8333', /not a host name/],
    ['::1:8333', /want host:port/],
    ['[zz::1]:8333', /not an IPv6/],
    [':8333', /no host/],
    ['a,,b', /no host/],
    ['a'.repeat(254), /longer than 253/],
    ['x'.repeat(200_000), /longer than 2048 characters/],
    [Array.from({ length: MAX_NODES + 1 }, (_, i) => `10.0.0.${i}:8333`).join(','), /more than 16/],
  ])('refuses %j', (value, problem) => {
    const result = parseNodeList(value, 8333);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problem).toMatch(problem);
  });
});
