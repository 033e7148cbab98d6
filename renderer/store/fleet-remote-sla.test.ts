import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/api';
import type { FleetSnapshot } from '../../shared/fleet';
import type { SlaTestRequest, SlaTestResult, SlaTestTierResult } from '../../shared/sla-test';
import { TIERS, type TierName } from '../../shared/tiers';
import { summarizeSla, VERDICT_WORDS } from '../../shared/verdict';
import { SlaTestTable } from '../components/reports/SlaTestTable';
import { fakeApi } from '../test-support/fake-api';
import { createFleetStore } from './fleet-store';

const snapshot: FleetSnapshot = {
  window: '1h',
  at: 1,
  rows: [],
  entries: [],
  prometheus: null,
  tokenStorage: 'plain file',
};

const request: SlaTestRequest = {
  tiers: ['free', 'turbo'],
  probesPerTier: 200,
  rateHz: 50,
  contention: true,
};

function tierResult(tier: TierName, n: number, misses: number): SlaTestTierResult {
  return {
    tier,
    startedAt: 1000,
    finishedAt: 5000,
    n,
    failed: 0,
    misses: { n, misses, overTarget: misses, errors: 0, timeouts: 0 },
    latency: { mean: 0.4, p50: 0.3, p99: 0.9, p999: 1.2, max: 1.5 },
    sla: summarizeSla({ n, misses }, TIERS[tier]),
    launch: null,
  };
}

/** What a remote panel answers: free met its target on every probe, turbo missed 9 of 200. */
const result: SlaTestResult = {
  startedAt: 1000,
  finishedAt: 9000,
  request,
  contentionProcesses: 4,
  tiers: [tierResult('free', 200, 0), tierResult('turbo', 200, 9)],
  improvement: null,
};

/** A remote test that answers only when the test says so, or CANCELLED once aborted. */
function pendingRemote() {
  const pending: { finish: (r: SlaTestResult) => void; fail: (e: unknown) => void }[] = [];
  const fake = fakeApi({
    'fleet.list': () => snapshot,
    'fleet.remote.runSlaTest': (_params, signal) =>
      new Promise<SlaTestResult>((resolve, reject) => {
        pending.push({ finish: resolve, fail: reject });
        signal?.addEventListener('abort', () =>
          reject(new ApiError('CANCELLED', 'Cancelled; the relay is back on its tier.')),
        );
      }),
  });
  const last = () => pending.at(-1) ?? { finish: () => undefined, fail: () => undefined };
  return {
    ...fake,
    pending,
    finish: (r: SlaTestResult) => last().finish(r),
    fail: (e: unknown) => last().fail(e),
  };
}

describe('a remote panel’s SLA test', () => {
  it('sends the chosen request unchanged, says where and since when it runs, then keeps the full result', async () => {
    const remote = pendingRemote();
    let clock = 42_000;
    const store = createFleetStore(remote.api, () => clock);
    const run = store.getState().runRemoteSlaTest('p1', 'remote-us', request);
    expect(store.getState().remoteSla.p1).toMatchObject({
      running: true,
      panel: 'remote-us',
      startedAt: 42_000,
      request,
      result: null,
      error: null,
    });
    // A second click while it runs starts nothing more over there.
    await store.getState().runRemoteSlaTest('p1', 'remote-us', request);
    expect(remote.calls.filter((c) => c.method === 'fleet.remote.runSlaTest')).toEqual([
      { method: 'fleet.remote.runSlaTest', params: { id: 'p1', request } },
    ]);
    clock = 50_000;
    remote.finish(result);
    await run;
    expect(store.getState().remoteSla.p1).toMatchObject({ running: false, result, error: null });
    expect(store.getState().remoteSla.p1?.result?.tiers.map((t) => [t.tier, t.n, t.sla.verdict])).toEqual([
      ['free', 200, 'insufficient samples'],
      ['turbo', 200, 'below objective'],
    ]);
  });

  it('cancels over there and keeps the last result on screen, with the cancel said plainly', async () => {
    const remote = pendingRemote();
    const store = createFleetStore(remote.api);
    const first = store.getState().runRemoteSlaTest('p1', 'remote-us', request);
    remote.finish(result);
    await first;
    const second = store.getState().runRemoteSlaTest('p1', 'remote-us', { ...request, probesPerTier: 5000 });
    // The previous table stays while the next test runs, as on the local card.
    expect(store.getState().remoteSla.p1).toMatchObject({ running: true, result });
    store.getState().cancelRemoteSlaTest('p1');
    await second;
    expect(store.getState().remoteSla.p1).toMatchObject({
      running: false,
      result,
      error: null,
      cancelled: 'Cancelled. remote-us stops its test and puts its relay back on its tier.',
    });
  });

  it('keeps each panel’s test to its own row', async () => {
    const remote = pendingRemote();
    const store = createFleetStore(remote.api);
    const a = store.getState().runRemoteSlaTest('a', 'remote-a', request);
    const b = store.getState().runRemoteSlaTest('b', 'remote-b', request);
    expect(remote.pending).toHaveLength(2);
    remote.pending[1]?.finish(result);
    remote.pending[0]?.fail(
      new ApiError('UNREACHABLE', 'No API connection to the panel at http://127.0.0.1:9 within 5000 ms.'),
    );
    await Promise.all([a, b]);
    expect(store.getState().remoteSla.a).toMatchObject({
      result: null,
      error: expect.stringMatching(/^remote-a could not be reached/),
    });
    expect(store.getState().remoteSla.b).toMatchObject({ result, error: null });
  });

  const failures: [string, ApiError, RegExp][] = [
    [
      'unreachable',
      new ApiError('UNREACHABLE', 'No API connection to the panel at http://127.0.0.1:9 within 5000 ms.'),
      /^remote-us could not be reached \(No API connection to the panel at http:\/\/127\.0\.0\.1:9 within 5000 ms\.\) Check that it is still running \(`npm run serve` there\)/,
    ],
    [
      'timed out',
      new ApiError('UNREACHABLE', 'The panel at http://127.0.0.1:9 did not answer within 128000 ms.'),
      /^remote-us did not send the result in time .* The test may still be running there: wait for it, or run a shorter one/,
    ],
    [
      'token refused',
      new ApiError('UNAUTHORIZED', 'The panel at http://127.0.0.1:9 refused the token (401 Unauthorized).'),
      /^remote-us refused this panel's token .* Remove it from the fleet and add it again with the token/,
    ],
    [
      'busy',
      new ApiError('BUSY', 'An SLA test is already running; wait for it or cancel it.'),
      /^remote-us is busy: An SLA test is already running; wait for it or cancel it\.$/,
    ],
  ];
  it.each(failures)(
    'says what to do when the remote is %s, naming no internals',
    async (_name, error, words) => {
      const remote = pendingRemote();
      const store = createFleetStore(remote.api);
      const run = store.getState().runRemoteSlaTest('p1', 'remote-us', request);
      remote.fail(error);
      await run;
      const shown = store.getState().remoteSla.p1?.error ?? '';
      expect(shown).toMatch(words);
      expect(shown).not.toMatch(/fleet\.remote|slaTest\.run|runSlaTest/);
      expect(store.getState().remoteSla.p1?.running).toBe(false);
    },
  );
});

describe('the remote result in the local test’s table', () => {
  it('shows each tier’s n and its verdict in the shared words', () => {
    const html = renderToStaticMarkup(createElement(SlaTestTable, { result }));
    const rows = html.split('<tr data-tier=').slice(1);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^"free"/);
    expect(rows[0]).toContain(VERDICT_WORDS['insufficient samples']);
    expect(rows[1]).toMatch(/^"turbo"/);
    expect(rows[1]).toContain(VERDICT_WORDS['below objective']);
    expect(rows[0]).toMatch(/data-figure="misses">0 of 200 /);
    expect(rows[1]).toMatch(/data-figure="misses">9 of 200 /);
  });
});
