import os from 'node:os';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CpuContention } from './contention';

const script = path.resolve('dist/relay/busy.mjs');
const alive = (pid: number) => {
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};
const cpuTicks = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]);
};

describe('CpuContention', () => {
  it('starts 2 busy processes per core that really burn CPU, and stops them all', async () => {
    const contention = new CpuContention({ execPath: process.execPath, script });
    const count = await contention.start();
    expect(count).toBe(2 * os.availableParallelism());
    const pids = contention.pids;
    const before = pids.map(cpuTicks);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const burned = pids.map((pid, index) => cpuTicks(pid) - before[index]!);
    // Each one shares the cores with the others, but none is idle.
    for (const ticks of burned) expect(ticks).toBeGreaterThan(0);
    await contention.stop();
    for (const pid of pids) expect(alive(pid)).toBe(false);
    await contention.stop();
  });

  it('a busy process stops itself after --max-seconds even if nobody stops it', async () => {
    const contention = new CpuContention({ execPath: process.execPath, script, perCore: 0.5, maxSeconds: 1 });
    await contention.start();
    const pids = contention.pids;
    await expect.poll(() => pids.filter(alive), { timeout: 4000, interval: 100 }).toEqual([]);
    await contention.stop();
  });
});
