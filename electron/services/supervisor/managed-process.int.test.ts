import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/api';
import { osEnvironment } from './child-env';
import { DEFAULT_POLICY, ManagedProcess, type LaunchSpec } from './managed-process';

const processes: ManagedProcess[] = [];
afterEach(async () => {
  await Promise.all(processes.splice(0).map((process) => process.stop()));
});

const sleeper: LaunchSpec = {
  command: process.execPath,
  args: ['-e', 'setInterval(() => {}, 1000)'],
  env: osEnvironment(),
  isReady: async () => true,
};

/** A process whose next launch is whichever spec the test put in `next`. */
function managed(first: LaunchSpec) {
  const holder = { next: first };
  const child = new ManagedProcess('relay', async () => holder.next, { ...DEFAULT_POLICY, readyPollMs: 10 });
  processes.push(child);
  return { child, holder };
}

describe('a spawn that fails', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sprint-spawn-'));
  const notExecutable = path.join(dir, 'not-executable');
  writeFileSync(notExecutable, '#!/bin/sh\n');
  chmodSync(notExecutable, 0o644);
  const cases: Array<[string, LaunchSpec, RegExp]> = [
    // One environment string past the kernel's per-string limit (128 KiB): exec refuses it.
    ['E2BIG', { ...sleeper, env: { ...sleeper.env, HUGE: 'x'.repeat(200_000) } }, /E2BIG/],
    ['ENOENT', { ...sleeper, command: path.join(dir, 'missing') }, /ENOENT/],
    ['EACCES', { ...sleeper, command: notExecutable }, /EACCES/],
  ];

  for (const [code, spec, pattern] of cases) {
    it(`(${code}) leaves a stopped state with the reason, and a second start works`, async () => {
      const { child, holder } = managed(spec);
      const error = await child.start().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).code).toBe('SPAWN_FAILED');
      expect((error as ApiError).message).toMatch(pattern);
      const snapshot = child.snapshot();
      expect(snapshot.state).toBe('stopped');
      expect(snapshot.pid).toBeNull();
      expect(snapshot.message).toMatch(pattern);
      expect(child.isActive).toBe(false);
      holder.next = sleeper;
      const started = await child.start();
      expect(started.state).toBe('running');
      expect(started.pid).toBeGreaterThan(0);
    });
  }
});
