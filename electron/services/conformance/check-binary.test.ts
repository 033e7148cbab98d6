import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { relayResources } from '../supervisor/relay-resources';
import { checkRelayBinary } from './check-binary';
import { readExposition } from './exposition';

const dir = mkdtempSync(path.join(os.tmpdir(), 'conformance-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const resources = relayResources(path.join(dir, 'dist'));
const never = () => {
  throw new Error('no progress expected');
};

describe('Check this binary refuses what it cannot run, in words, before starting anything', () => {
  it.each([
    [null, /No external binary is set/],
    ['relative/sprint', /absolute path/],
    [path.join(dir, 'missing'), /no file at/],
  ])('%s', async (binary, message) => {
    await expect(checkRelayBinary(binary, resources, never)).rejects.toMatchObject({
      code: 'RELAY_BINARY_MISSING',
      message: expect.stringMatching(message),
    });
  });

  it('a file that is not executable', async () => {
    const file = path.join(dir, 'plain');
    writeFileSync(file, '#!/bin/sh\n');
    chmodSync(file, 0o644);
    await expect(checkRelayBinary(file, resources, never)).rejects.toThrow(/not executable/);
  });
});

describe('the exposition reader', () => {
  it('gives each family its declared type and its samples their label names', () => {
    const text = [
      '# HELP a_total x',
      '# TYPE a_total counter',
      'a_total{route="latest",code="200"} 3',
      '# TYPE h_seconds histogram',
      'h_seconds_bucket{le="0.1"} 1',
      'h_seconds_sum 0.05',
      'h_seconds_count 1',
      '# TYPE g gauge',
      'g{kind="a=\\"b\\""} 1',
      'orphan 1',
    ].join('\n');
    const families = readExposition(text);
    expect(families.get('a_total')).toMatchObject({ type: 'counter', samples: 1 });
    expect([...families.get('a_total')!.labels]).toEqual(['route', 'code']);
    expect(families.get('h_seconds')).toMatchObject({ type: 'histogram', samples: 3 });
    expect([...families.get('h_seconds')!.labels]).toEqual([]);
    expect([...families.get('g')!.labels]).toEqual(['kind']);
    expect(families.get('orphan')).toMatchObject({ type: null, samples: 1 });
  });
});
