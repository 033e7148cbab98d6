import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TuneResult } from '../../../shared/tuning';
import { linuxCaps, NO_REALTIME } from '../../../shared/launch/test-support/capabilities';
import { machineDifference } from './machine';
import { MAX_STORED_RUNS, TuningStore } from './tuning-store';

const machine = {
  hostname: 'box',
  platform: 'linux',
  kernel: '6.1.0',
  cpuModel: 'Xeon',
  cpuCount: 2,
  capabilities: linuxCaps(2),
  relayTarget: 'builtin' as const,
};

const run = (id: string): TuneResult => ({
  id,
  startedAt: 1,
  finishedAt: 2,
  request: { tier: 'enterprise', budgetSeconds: 90, rateHz: 200, contention: true, seed: 1 },
  targetMs: 5,
  objective: 0.999,
  contentionProcesses: 4,
  design: {
    candidates: 2,
    rounds: 6,
    blockProbes: 100,
    warmupProbes: 20,
    rateHz: 200,
    switchSeconds: 1,
    estimateSeconds: 30,
  },
  intervalLevel: 0.95,
  machine,
  results: [],
  skipped: [],
  recommendation: {
    kind: 'keep-default',
    text: 'Nothing beats the tier default here by more than the noise.',
  },
});

const dir = () => mkdtempSync(path.join(os.tmpdir(), 'sprint-tuning-store-'));

describe('the tuning store', () => {
  it('keeps the last runs only, across a reopen', () => {
    const file = path.join(dir(), 'tuning-runs.json');
    const store = new TuningStore(file);
    for (let i = 0; i < MAX_STORED_RUNS + 5; i++) store.add(run(`run-${i}`));
    const reopened = new TuningStore(file);
    expect(reopened.list()).toHaveLength(MAX_STORED_RUNS);
    expect(reopened.list()[0]!.id).toBe('run-5');
    expect(reopened.latest()!.id).toBe(`run-${MAX_STORED_RUNS + 4}`);
    expect(reopened.find('run-7')?.id).toBe('run-7');
  });

  it('sets a damaged file aside instead of overwriting it, and says so', () => {
    const folder = dir();
    const file = path.join(folder, 'tuning-runs.json');
    writeFileSync(file, '{"version":1,"runs":[');
    const store = new TuningStore(file);
    expect(store.list()).toEqual([]);
    expect(store.notice).toMatch(/could not be read.*kept as tuning-runs\.json\.unreadable-/);
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(folder).some((name) => name.startsWith('tuning-runs.json.unreadable-'))).toBe(true);
  });

  it('drops a run that no longer parses and keeps the rest', () => {
    const file = path.join(dir(), 'tuning-runs.json');
    writeFileSync(file, JSON.stringify({ version: 1, runs: [{ id: 'bad' }, run('good')] }));
    expect(new TuningStore(file).list().map((r) => r.id)).toEqual(['good']);
  });
});

describe('a run from another machine is not reused silently', () => {
  it('names what differs: host, kernel, CPUs, relay, grants', () => {
    expect(machineDifference(machine, machine)).toBeNull();
    expect(machineDifference(machine, { ...machine, kernel: '6.8.0' })).toBe(
      'measured elsewhere: kernel linux 6.1.0, here linux 6.8.0',
    );
    expect(machineDifference(machine, { ...machine, hostname: 'other', cpuCount: 4 })).toMatch(
      /host box, here other; 2 × Xeon, here 4 × Xeon/,
    );
    expect(machineDifference(machine, { ...machine, capabilities: linuxCaps(2, NO_REALTIME) })).toMatch(
      /what the panel may grant/,
    );
  });
});
