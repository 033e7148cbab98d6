import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { v8SemiSpaceFlags } from '../../shared/knobs';
import { semiSpaceMiB, semiSpaceReport } from './knobs';

/** The V8 semi-space as our relay reports it: what V8 runs with, beside what the panel asked for. */

describe('semiSpaceReport', () => {
  it('granted when V8 runs with the size asked for', () => {
    expect(semiSpaceReport(64, 64)).toEqual({ requested: 64, applied: 64 });
  });

  it('says why not when the flags did not reach V8 (the variable alone changes nothing)', () => {
    const report = semiSpaceReport(64, 1);
    expect(report).toMatchObject({ requested: 64, applied: 1 });
    expect(report.reason).toMatch(
      /V8 runs with a 1 MiB semi-space; the size is set only by --min-semi-space-size/,
    );
  });

  it('nothing asked: the runtime default, nothing to compare', () => {
    expect(semiSpaceReport(null, 1)).toEqual({ requested: null, applied: null });
  });
});

describe('semiSpaceMiB read back from V8', () => {
  // A fresh node with the plan's flags: the relay reads its own new space the same way.
  const run = (flags: string[]) =>
    spawnSync(process.execPath, [...flags, '--input-type=module', '-e', PRINT], { encoding: 'utf8' });
  const PRINT = `import v8 from 'node:v8'; const s = v8.getHeapSpaceStatistics().find((x) => x.space_name === 'new_space'); console.log(s.space_size / 1048576);`;

  it.each([1, 16, 64, 256])('the plan’s flags for %i MiB give a new space of that size', (mib) => {
    const result = run(v8SemiSpaceFlags(mib));
    expect(result.status, result.stderr).toBe(0);
    expect(Number(result.stdout.trim())).toBe(mib);
  });

  it('this process (no flags) reports a size, in MiB', () => {
    expect(semiSpaceMiB()).toBeGreaterThan(0);
  });
});
