import { describe, expect, it } from 'vitest';
import { clockWarningOf, clockWarningText } from './clock-offset';
import type { RelayStatus } from './relay-status';
import { clockProblem, UpstreamSummary } from './relay-status';

describe('clockWarningText', () => {
  it('names the offset, the direction and what to do when the peers are 83 min ahead of us', () => {
    expect(clockWarningText(83 * 60)).toBe(
      "This machine's clock is 83 min behind its peers: set the time (NTP); headers may be refused as future-dated until then",
    );
  });

  it('says "ahead of" when our clock runs fast, and rounds to whole minutes', () => {
    expect(clockWarningText(-(2 * 3600 + 29))).toMatch(
      /^This machine's clock is 120 min ahead of its peers:/,
    );
  });

  it('is silent up to 70 minutes either way and warns just past it', () => {
    expect(clockWarningText(70 * 60)).toBeNull();
    expect(clockWarningText(-70 * 60)).toBeNull();
    expect(clockWarningText(0)).toBeNull();
    expect(clockWarningText(70 * 60 + 1)).toMatch(/70 min behind/);
    expect(clockWarningText(Number.NaN)).toBeNull();
  });
});

describe('clockWarningOf (what the relay card shows for /health upstream.clock)', () => {
  it('writes its own text from the offset, whatever words the relay used', () => {
    expect(clockWarningOf({ peerOffsetSeconds: 4980, warning: 'clock skew' })).toMatch(/83 min behind/);
    expect(clockWarningOf({ peerOffsetSeconds: 60, warning: 'stale warning' })).toBeNull();
  });

  it("shows an external relay's own warning when it gives no offset, trimmed to a line", () => {
    expect(clockWarningOf({ warning: '  clock is off  ' })).toBe('clock is off');
    const long = clockWarningOf({ peerOffsetSeconds: null, warning: 'x'.repeat(1000) });
    expect(long).toHaveLength(300);
    expect(long?.endsWith('…')).toBe(true);
    expect(clockWarningOf({ warning: '   ' })).toBeNull();
    expect(clockWarningOf(undefined)).toBeNull();
  });
});

describe('UpstreamSummary.clock and clockProblem', () => {
  const upstream = (clock: unknown) =>
    UpstreamSummary.parse({ state: 'ready', peers: [{ address: 'a:1', state: 'ready' }], tip: null, clock });
  const status = (state: RelayStatus['state'], clock: unknown) => ({ state, upstream: upstream(clock) });

  it('carries the clock through the status and shows it while the relay runs', () => {
    expect(upstream({ peerOffsetSeconds: 4980, warning: null }).clock).toEqual({
      peerOffsetSeconds: 4980,
      warning: null,
    });
    expect(clockProblem(status('running', { peerOffsetSeconds: 4980, warning: null }))).toMatch(
      /^This machine's clock is 83 min behind its peers: set the time \(NTP\)/,
    );
    expect(clockProblem(status('degraded', { peerOffsetSeconds: -5000 }))).toMatch(/83 min ahead of/);
  });

  it('says nothing when stopped, within 70 min, or when the relay reports no clock', () => {
    expect(clockProblem(status('stopped', { peerOffsetSeconds: 4980 }))).toBeNull();
    expect(clockProblem(status('running', { peerOffsetSeconds: 120, warning: null }))).toBeNull();
    expect(clockProblem(status('running', undefined))).toBeNull();
    expect(clockProblem(null)).toBeNull();
  });

  it('keeps the rest of the upstream when the clock has an odd shape', () => {
    const odd = upstream('83 minutes');
    expect(odd.clock).toBeUndefined();
    expect(odd.peers).toHaveLength(1);
    expect(upstream({ peerOffsetSeconds: 'a lot', warning: 7 }).clock).toEqual({
      peerOffsetSeconds: undefined,
      warning: undefined,
    });
  });
});
