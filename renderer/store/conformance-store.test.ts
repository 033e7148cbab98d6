import { describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/api';
import type { ClauseResult, ConformanceReport } from '../../shared/conformance';
import { fakeApi } from '../test-support/fake-api';
import { createConformanceStore } from './conformance-store';

const result = (clause: ClauseResult['clause'], status: ClauseResult['status']): ClauseResult => ({
  clause,
  title: clause,
  status,
  why: `${clause} ${status}`,
});

describe('conformance store', () => {
  it('shows clauses as they finish, then the report; progress for another binary is ignored', async () => {
    let finish: (report: ConformanceReport) => void = () => undefined;
    const fake = fakeApi({
      'relay.checkBinary': () => new Promise<ConformanceReport>((resolve) => (finish = resolve)),
    });
    const store = createConformanceStore(fake.api);
    fake.connect();
    const done = store.getState().check('/opt/sprint');
    await Promise.resolve();
    expect(store.getState().running).toBe(true);
    fake.emit('conformance.progress', {
      binary: '/opt/sprint',
      result: result('sigterm', 'fail'),
      done: 1,
      total: 12,
    });
    fake.emit('conformance.progress', {
      binary: '/other',
      result: result('readiness', 'pass'),
      done: 1,
      total: 12,
    });
    expect(store.getState().results.map((r) => r.clause)).toEqual(['sigterm']);
    const report: ConformanceReport = {
      binary: '/opt/sprint',
      runtime: 'go',
      startedAt: 1,
      finishedAt: 2,
      results: [result('readiness', 'pass'), result('sigterm', 'fail')],
    };
    finish(report);
    await done;
    expect(store.getState()).toMatchObject({ running: false, report, error: null });
    expect(store.getState().results).toHaveLength(2);
  });

  it('shows the refusal in words and keeps no stale results', async () => {
    const fake = fakeApi({
      'relay.checkBinary': () => {
        throw new ApiError('RELAY_BINARY_MISSING', 'no file at /nope');
      },
    });
    const store = createConformanceStore(fake.api);
    await store.getState().check('/nope');
    expect(store.getState()).toMatchObject({ running: false, results: [], report: null });
    expect(store.getState().error).toMatch(/no file at \/nope/);
  });
});
