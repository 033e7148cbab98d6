import { describe, expect, it } from 'vitest';
import { decideCapabilities, niceAttemptTarget, type ProbeFacts } from './capabilities';
import { gatherFacts, type ProbeDeps } from './probe';
import type { RunResult } from './run';

const LIMITS = (nice: string, rtprio: string) =>
  [
    'Limit                     Soft Limit           Hard Limit           Units     ',
    'Max open files            1024                 4096                 files     ',
    `Max nice priority         ${nice.padEnd(21)}${nice.padEnd(21)}`,
    `Max realtime priority     ${rtprio.padEnd(21)}${rtprio.padEnd(21)}`,
    'Max realtime timeout      unlimited            unlimited            us        ',
  ].join('\n');
const STATUS = (capEff: string) =>
  `Name:\tnode\nUid:\t0\t0\t0\t0\nCapEff:\t${capEff}\nCpus_allowed_list:\t0-1\n`;
const ROOT_CAPS = '000001fffeffffff';
const NO_CAPS = '0000000000000000';
const ALL_TOOLS = {
  taskset: '/usr/bin/taskset',
  chrt: '/usr/bin/chrt',
  nice: '/usr/bin/nice',
  powershell: null,
};

function facts(over: Partial<ProbeFacts>): ProbeFacts {
  return {
    platform: 'linux',
    cpus: [0, 1],
    baseNice: 0,
    uid: 1000,
    tools: ALL_TOOLS,
    limits: LIMITS('0', '0'),
    status: STATUS(NO_CAPS),
    niceAttempt: { target: -1, result: 0, stderr: 'nice: cannot set niceness: Permission denied' },
    rtAttempt: { ok: false, stderr: "chrt: failed to set pid 0's policy: Operation not permitted" },
    ...over,
  };
}

describe('decideCapabilities on Linux', () => {
  it('grants everything when the attempts succeed under CAP_SYS_NICE', () => {
    const caps = decideCapabilities(
      facts({
        uid: 0,
        status: STATUS(ROOT_CAPS),
        niceAttempt: { target: -20, result: -20, stderr: '' },
        rtAttempt: { ok: true, stderr: '' },
      }),
    );
    expect(caps).toMatchObject({
      canLowerNiceness: true,
      niceFloor: -20,
      canRealtime: true,
      rtPriorityMax: 99,
    });
    expect(caps.reasons).toEqual({});
  });

  it('refuses an unprivileged user with the limit that refused it', () => {
    const caps = decideCapabilities(facts({}));
    expect(caps.canLowerNiceness).toBe(false);
    expect(caps.niceFloor).toBe(0);
    expect(caps.reasons.lowerNiceness).toBe('needs CAP_SYS_NICE or root (RLIMIT_NICE is 0)');
    expect(caps.canRealtime).toBe(false);
    expect(caps.reasons.realtime).toBe('needs CAP_SYS_NICE or root (RLIMIT_RTPRIO is 0)');
  });

  it('trusts the attempt over the parse: GNU nice runs the command even when refused', () => {
    // CapEff claims CAP_SYS_NICE, yet the child still printed 0: the OS said no (e.g. an LSM).
    const caps = decideCapabilities(
      facts({
        status: STATUS(ROOT_CAPS),
        niceAttempt: { target: -20, result: 0, stderr: 'nice: cannot set niceness: Permission denied\n' },
      }),
    );
    expect(caps.canLowerNiceness).toBe(false);
    expect(caps.reasons.lowerNiceness).toBe(
      'the OS refused nice -20 despite CAP_SYS_NICE: nice: cannot set niceness: Permission denied',
    );
  });

  it('keeps a partial RLIMIT_NICE floor and an RLIMIT_RTPRIO ceiling', () => {
    const caps = decideCapabilities(
      facts({
        limits: LIMITS('25', '5'),
        niceAttempt: { target: -5, result: -5, stderr: '' },
        rtAttempt: { ok: true, stderr: '' },
      }),
    );
    expect(caps).toMatchObject({
      canLowerNiceness: true,
      niceFloor: -5,
      canRealtime: true,
      rtPriorityMax: 5,
    });
  });

  it('names the missing tools and the package to install', () => {
    const caps = decideCapabilities(
      facts({ tools: { taskset: null, chrt: null, nice: null, powershell: null } }),
    );
    expect(caps.reasons).toMatchObject({
      taskset: 'taskset not found (install util-linux)',
      chrt: 'chrt not found (install util-linux)',
      nice: 'nice not found (install coreutils)',
      lowerNiceness: 'nice not found (install coreutils)',
      realtime: 'chrt not found (install util-linux)',
    });
    expect(caps.reasons.powershell).toBeUndefined();
  });

  it('reports a root refused SCHED_FIFO (no real-time budget) with what chrt said', () => {
    const caps = decideCapabilities(
      facts({
        uid: 0,
        status: STATUS(ROOT_CAPS),
        rtAttempt: { ok: false, stderr: 'chrt: failed: Operation not permitted' },
      }),
    );
    expect(caps.reasons.realtime).toBe(
      'the OS refused SCHED_FIFO despite CAP_SYS_NICE: chrt: failed: Operation not permitted',
    );
  });
});

describe('decideCapabilities elsewhere', () => {
  it('macOS: niceness needs root; no SCHED_FIFO; only nice matters', () => {
    const mac = facts({
      platform: 'darwin',
      limits: null,
      status: null,
      rtAttempt: null,
      tools: { ...ALL_TOOLS, taskset: null, chrt: null },
    });
    const caps = decideCapabilities(mac);
    expect(caps.reasons).toEqual({
      lowerNiceness: 'needs root on macOS',
      realtime: 'SCHED_FIFO is not offered on macOS',
    });
    const root = decideCapabilities({
      ...mac,
      uid: 0,
      niceAttempt: { target: -20, result: -20, stderr: '' },
    });
    expect(root.canLowerNiceness).toBe(true);
  });

  it('Windows: raising the class is allowed and left to read-back; powershell is needed for affinity', () => {
    const win = facts({
      platform: 'win32',
      uid: null,
      limits: null,
      status: null,
      niceAttempt: null,
      rtAttempt: null,
      tools: { taskset: null, chrt: null, nice: null, powershell: null },
    });
    const caps = decideCapabilities(win);
    expect(caps.canLowerNiceness).toBe(true);
    expect(caps.canRealtime).toBe(false);
    expect(Object.keys(caps.reasons).sort()).toEqual(['powershell', 'realtime']);
  });
});

describe('niceAttemptTarget', () => {
  const base = {
    platform: 'linux' as const,
    baseNice: 0,
    uid: 1000,
    limits: LIMITS('0', '0'),
    status: STATUS(NO_CAPS),
  };
  it.each([
    ['root', { uid: 0 }, -20],
    ['CAP_SYS_NICE', { status: STATUS(ROOT_CAPS) }, -20],
    ['RLIMIT_NICE 25', { limits: LIMITS('25', '0') }, -5],
    ['no privilege: one step below, to confirm the refusal', {}, -1],
    ['no privilege at niceness 5', { baseNice: 5 }, 4],
    ['unreadable /proc: try the most', { limits: null, status: null }, -20],
  ])('%s', (_label, over, expected) => {
    expect(niceAttemptTarget({ ...base, ...over })).toBe(expected);
  });
});

describe('gatherFacts', () => {
  it('actually runs nice (relative to the panel) and chrt, and reads /proc/self', async () => {
    const calls: string[][] = [];
    const deps: ProbeDeps = {
      platform: 'linux',
      nodeExecPath: '/opt/node',
      findOnPath: async (name) => (name === 'powershell' ? null : `/bin/${name}`),
      readText: async (path) => (path.endsWith('limits') ? LIMITS('0', '0') : STATUS(ROOT_CAPS)),
      run: async (command, args): Promise<RunResult> => {
        calls.push([command, ...args]);
        return { code: 0, stdout: command.endsWith('nice') ? '-20\n' : '', stderr: '' };
      },
    };
    const gathered = await gatherFacts(deps);
    const base = gathered.baseNice;
    expect(calls[0]?.slice(0, 5)).toEqual(['/bin/nice', '-n', String(-20 - base), '/opt/node', '-e']);
    expect(calls[1]).toEqual(['/bin/chrt', '-f', '1', 'true']);
    expect(gathered.niceAttempt).toEqual({ target: -20, result: -20, stderr: '' });
    expect(gathered.cpus).toEqual([0, 1]);
  });
});
