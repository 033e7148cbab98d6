import { readFileSync } from 'node:fs';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { cpuMask, cpusFromMask, formatCpuList, parseCpuList } from '../../../shared/launch/cpus';
import { LaunchError } from '../../../shared/launch/launch-error';
import { hasCapSysNice, parseCpusAllowedList, parseStat, softLimit } from './procfs';
import { awaitExec, linuxValues, readBack, type ReadBackDeps } from './readback';
import { affinityMaskText, cpusFromAffinityText } from '../../../shared/launch/win32';

/** A /proc/PID/stat line with the given comm, nice (19), rt_priority (40) and policy (41). */
function statLine(comm: string, nice: number, rtPriority: number, policy: number): string {
  const fields = Array.from({ length: 52 }, (_, i) => String(i + 1));
  fields[0] = '4242';
  fields[1] = `(${comm})`;
  fields[2] = 'S';
  fields[18] = String(nice);
  fields[39] = String(rtPriority);
  fields[40] = String(policy);
  return `${fields.join(' ')}\n`;
}

describe('parseStat', () => {
  it('reads nice, rt_priority and policy', () => {
    expect(parseStat(statLine('node', -15, 10, 1))).toEqual({ nice: -15, rtPriority: 10, policy: 1 });
  });

  it('counts from the last ")" when comm has spaces and parentheses', () => {
    expect(parseStat(statLine('my relay) 7 (x', -5, 0, 0))).toEqual({ nice: -5, rtPriority: 0, policy: 0 });
    expect(parseStat(statLine(') ) )', 3, 0, 3))).toEqual({ nice: 3, rtPriority: 0, policy: 3 });
  });

  it('agrees with the kernel and os.getPriority for this very process', () => {
    const stat = parseStat(readFileSync('/proc/self/stat', 'utf8'));
    expect(stat.nice).toBe(os.getPriority());
  });

  it('throws a typed parse error on a truncated line', () => {
    expect(() => parseStat('12 (node) S 1 2 3')).toThrow(LaunchError);
    expect(() => parseStat('no parens at all')).toThrow(/closing comm/);
  });
});

describe('/proc status and limits', () => {
  const status = 'Name:\tnode\nCapEff:\t0000000000800000\nCpus_allowed:\t0c\nCpus_allowed_list:\t3,2\n';
  it('reads Cpus_allowed_list, canonically', () => {
    expect(parseCpusAllowedList(status)).toBe('2-3');
    expect(parseCpusAllowedList('Cpus_allowed_list:\t0-1,4,5\n')).toBe('0-1,4-5');
    expect(() => parseCpusAllowedList('Name:\tx\n')).toThrow(LaunchError);
  });

  it('finds CAP_SYS_NICE (bit 23) in CapEff', () => {
    expect(hasCapSysNice(status)).toBe(true);
    expect(hasCapSysNice('CapEff:\t0000000000400000\n')).toBe(false);
    expect(hasCapSysNice('Name:\tx\n')).toBeNull();
  });

  it('reads soft limits, unlimited as Infinity', () => {
    const limits =
      'Max nice priority         25                   25                   \nMax realtime timeout      unlimited            unlimited            us';
    expect(softLimit(limits, 'Max nice priority')).toBe(25);
    expect(softLimit(limits, 'Max realtime timeout')).toBe(Infinity);
    expect(softLimit(limits, 'Max realtime priority')).toBeNull();
  });

  it('linuxValues formats in the notation plans request', () => {
    const one = (stat: string) => linuxValues([{ stat, status }]);
    expect(one(statLine('node', -15, 10, 1))).toEqual({
      priority: 'nice -15',
      scheduling: 'SCHED_FIFO 10',
      affinity: 'cpus 2-3',
    });
    expect(one(statLine('node', 0, 0, 3)).scheduling).toBe('SCHED_BATCH');
    expect(one(statLine('node', 0, 0, 0)).scheduling).toBe('normal');
  });

  it('across threads: the weakest niceness, and every distinct policy or CPU list', () => {
    const values = linuxValues([
      { stat: statLine('node', -14, 0, 0), status },
      { stat: statLine('V8 Worker', -10, 0, 0), status },
      { stat: statLine('libuv-worker', -10, 10, 1), status: 'Cpus_allowed_list:\t0\n' },
    ]);
    expect(values).toEqual({
      priority: 'nice -10',
      scheduling: 'normal / SCHED_FIFO 10',
      affinity: 'cpus 2-3 / cpus 0',
    });
  });
});

describe('CPU lists and masks', () => {
  it('round-trip between lists, ids and masks', () => {
    expect(parseCpuList('0,2,5-7')).toEqual([0, 2, 5, 6, 7]);
    expect(formatCpuList([7, 5, 6, 0, 2, 2])).toBe('0,2,5-7');
    expect(cpuMask([2, 3])).toBe(12n);
    expect(cpusFromMask(cpuMask([0, 40, 63]))).toEqual([0, 40, 63]);
    expect(() => parseCpuList('a-b')).toThrow(LaunchError);
  });

  it('writes ProcessorAffinity signed, as PowerShell reads an IntPtr', () => {
    expect(affinityMaskText([63])).toBe('-9223372036854775808');
    expect(cpusFromAffinityText(affinityMaskText([1, 63]))).toBe('1,63');
    expect(cpusFromAffinityText(' 240\r\n')).toBe('4-7');
  });
});

function fakeDeps(over: Partial<ReadBackDeps>): ReadBackDeps {
  let clock = 0;
  return {
    readText: async () => '',
    readDir: async () => ['7'],
    readLink: async () => '/usr/bin/node',
    realPath: async (path) => path,
    getPriority: () => 0,
    run: async () => ({ code: 0, stdout: '', stderr: '' }),
    now: () => (clock += 100),
    ...over,
  };
}

describe('awaitExec and readBack with injected deps', () => {
  it('waits through the wrapper chain before reading', async () => {
    const chain = ['/usr/bin/taskset', '/usr/bin/chrt', '/usr/bin/nice', '/usr/bin/node'];
    const reads: string[] = [];
    const deps = fakeDeps({
      readDir: async () => ['7', '8'],
      readLink: async () => chain.shift() ?? '/usr/bin/node',
      readText: async (path) => {
        reads.push(path);
        return path.endsWith('stat') ? statLine('node', -10, 0, 0) : 'Cpus_allowed_list:\t1\n';
      },
    });
    const result = await readBack(7, 'linux', { execTarget: '/usr/bin/node', timeoutMs: 10_000, deps });
    expect(chain).toEqual([]);
    expect(reads.sort()).toEqual([
      '/proc/7/task/7/stat',
      '/proc/7/task/7/status',
      '/proc/7/task/8/stat',
      '/proc/7/task/8/status',
    ]);
    expect(result.values).toEqual({ priority: 'nice -10', scheduling: 'normal', affinity: 'cpus 1' });
  });

  it('times out with exec-timeout, and a vanished process is process-gone', async () => {
    const stuck = fakeDeps({ readLink: async () => '/usr/bin/taskset' });
    await expect(awaitExec(7, '/usr/bin/node', 500, stuck)).rejects.toMatchObject({ code: 'exec-timeout' });
    const gone = Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    const vanished = fakeDeps({ readLink: async () => Promise.reject(gone) });
    await expect(awaitExec(7, '/usr/bin/node', 500, vanished)).rejects.toMatchObject({
      code: 'process-gone',
    });
    const noTasks = fakeDeps({ readDir: async () => Promise.reject(gone) });
    await expect(readBack(7, 'linux', { deps: noTasks })).rejects.toMatchObject({ code: 'process-gone' });
    // A thread that ends mid-read is skipped; only when none is left has the process gone.
    const noStat = fakeDeps({ readText: async () => Promise.reject(gone) });
    await expect(readBack(7, 'linux', { deps: noStat })).rejects.toMatchObject({ code: 'process-gone' });
  });

  it('Windows: class from getPriority (REALTIME silently HIGH shows as HIGH), affinity via PowerShell', async () => {
    const calls: string[][] = [];
    const deps = fakeDeps({
      getPriority: () => os.constants.priority.PRIORITY_HIGH,
      run: async (cmd, args) => {
        calls.push([cmd, ...args]);
        return { code: 0, stdout: '12\r\n', stderr: '' };
      },
    });
    const result = await readBack(9, 'win32', { powershell: 'ps.exe', deps });
    expect(result.values).toEqual({ priority: 'priority class HIGH', affinity: 'cpus 2-3' });
    expect(calls[0]?.at(-1)).toBe('(Get-Process -Id 9).ProcessorAffinity.ToInt64()');
  });

  it('macOS: niceness only', async () => {
    const result = await readBack(9, 'darwin', { deps: fakeDeps({ getPriority: () => -5 }) });
    expect(result.values).toEqual({ priority: 'nice -5' });
  });
});
