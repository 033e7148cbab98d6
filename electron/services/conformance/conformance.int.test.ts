import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClauseId, ConformanceReport } from '../../../shared/conformance';
import { bundledScript, findPromtool, formatTable, runConformance, type RelayCommand } from '.';

/**
 * The conformance check against real processes: the built-in relay must pass every clause, and a
 * relay that breaks one clause at a time must fail that clause, by name, with the reason.
 */

const root = path.resolve(import.meta.dirname, '../../..');
const distRelay = path.join(root, 'dist/relay');
const peer = bundledScript(distRelay, 'demo-peer.mjs');
const broken = path.join(import.meta.dirname, 'test-support/broken-relay.mjs');

function brokenRelay(env: Record<string, string>): RelayCommand {
  return {
    command: process.execPath,
    args: [broken],
    env: { RELAY_SCRIPT: path.join(distRelay, 'relay.mjs'), ...env },
  };
}

const check = (relay: RelayCommand, label: string) =>
  runConformance({ relay, label, peer, promtool: findPromtool() });

const statusOf = (report: ConformanceReport, clause: ClauseId) =>
  report.results.find((r) => r.clause === clause);

const failed = (report: ConformanceReport) => report.results.filter((r) => r.status === 'fail');

describe('conformance of the built-in relay', () => {
  it('passes every clause; the Go read-back is not applicable, with the reason', async () => {
    const report = await check(bundledScript(distRelay, 'relay.mjs'), 'built-in');
    expect(failed(report), formatTable(report)).toEqual([]);
    expect(report.results).toHaveLength(12);
    expect(report.runtime).toBe('node');
    expect(statusOf(report, 'go-runtime-readback')).toMatchObject({ status: 'not-applicable' });
    expect(statusOf(report, 'go-runtime-readback')?.why).toMatch(/Go runtime only/);
    if (findPromtool() === null) expect(statusOf(report, 'metrics-promtool')?.status).toBe('not-applicable');
    else expect(statusOf(report, 'metrics-promtool')?.status).toBe('pass');
  }, 60_000);
});

describe('a relay that breaks one clause', () => {
  it('with a wrong metric type fails metrics-families, naming the family and both types', async () => {
    const report = await check(brokenRelay({ BREAK: 'metric-type' }), 'wrong type');
    expect(statusOf(report, 'metrics-families')).toMatchObject({
      status: 'fail',
      why: 'bitcoin_sprint_peers has type counter, the contract says gauge',
    });
    expect(statusOf(report, 'readiness')?.status).toBe('pass');
  }, 60_000);

  it('without /ready fails readiness', async () => {
    const report = await check(brokenRelay({ BREAK: 'no-ready' }), 'no ready');
    expect(statusOf(report, 'readiness')).toMatchObject({ status: 'fail' });
    expect(statusOf(report, 'readiness')?.why).toMatch(/\/ready answered 404/);
    expect(statusOf(report, 'metrics-families')?.status).toBe('pass');
  }, 60_000);

  it('answering /metrics without end is cut at the bound and fails the metric clauses', async () => {
    const report = await check(brokenRelay({ BREAK: 'huge-metrics' }), 'huge');
    // Cut at the size bound; on a starved machine the 3 s deadline may cut the endless answer first
    // (seen once at load 8 on 2 cores): bounded either way, and said so.
    expect(statusOf(report, 'metrics-families')).toMatchObject({ status: 'fail' });
    expect(statusOf(report, 'metrics-families')?.why).toMatch(
      /^\/metrics answered more than 8 MiB$|aborted due to timeout/,
    );
    expect(statusOf(report, 'api-keys')?.status).toBe('pass');
  }, 60_000);

  it('ignoring SIGTERM fails sigterm with the bound', async () => {
    const report = await check(brokenRelay({ BREAK: 'ignore-sigterm' }), 'deaf');
    expect(statusOf(report, 'sigterm')).toMatchObject({
      status: 'fail',
      why: 'still running 3000 ms after SIGTERM',
    });
  }, 60_000);

  it('as a Go runtime ignoring GOMEMLIMIT fails go-runtime-readback; honouring it passes', async () => {
    const ignoring = await check(brokenRelay({ BREAK: 'ignore-gomemlimit' }), 'no limit');
    expect(ignoring.runtime).toBe('go');
    expect(statusOf(ignoring, 'go-runtime-readback')).toMatchObject({ status: 'fail' });
    expect(statusOf(ignoring, 'go-runtime-readback')?.why).toMatch(
      /GOMEMLIMIT=200MiB ignored: runtime.memory_limit is no limit \(GOGC=off unbounded\)/,
    );
    const honouring = await check(brokenRelay({ FAKE_GO: '1' }), 'go');
    expect(statusOf(honouring, 'go-runtime-readback'), formatTable(honouring)).toMatchObject({
      status: 'pass',
    });
  }, 90_000);
});
