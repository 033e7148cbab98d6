import type { Capabilities } from '../capabilities';

/** Capabilities of a privileged Linux box with every tool; tests take away what they examine. */
export function linuxCaps(cpuCount: number, over: Partial<Capabilities> = {}): Capabilities {
  return {
    platform: 'linux',
    cpus: [...Array(cpuCount).keys()],
    baseNice: 0,
    canLowerNiceness: true,
    niceFloor: -20,
    canRealtime: true,
    rtPriorityMax: 99,
    tools: { taskset: '/usr/bin/taskset', chrt: '/usr/bin/chrt', nice: '/usr/bin/nice', powershell: null },
    reasons: {},
    ...over,
  };
}

export const NO_LOWER_NICE: Partial<Capabilities> = {
  canLowerNiceness: false,
  niceFloor: 0,
  reasons: { lowerNiceness: 'needs CAP_SYS_NICE or root (RLIMIT_NICE is 0)' },
};
export const NO_REALTIME: Partial<Capabilities> = {
  canRealtime: false,
  rtPriorityMax: 0,
  reasons: { realtime: 'needs CAP_SYS_NICE or root (RLIMIT_RTPRIO is 0)' },
};
export const NO_TASKSET: Partial<Capabilities> = {
  tools: { taskset: null, chrt: '/usr/bin/chrt', nice: '/usr/bin/nice', powershell: null },
  reasons: { taskset: 'taskset not found (install util-linux)' },
};

export function windowsCaps(cpuCount: number, powershell: string | null = 'C:\\ps.exe'): Capabilities {
  return {
    ...linuxCaps(cpuCount),
    platform: 'win32',
    canRealtime: false,
    rtPriorityMax: 0,
    tools: { taskset: null, chrt: null, nice: null, powershell },
    reasons: {
      realtime: "SCHED_FIFO is Linux-only; on Windows priority 'highest' asks for REALTIME_PRIORITY_CLASS",
    },
  };
}

export function macCaps(cpuCount: number, root: boolean): Capabilities {
  return {
    ...linuxCaps(cpuCount),
    platform: 'darwin',
    canLowerNiceness: root,
    niceFloor: root ? -20 : 0,
    canRealtime: false,
    rtPriorityMax: 0,
    tools: { taskset: null, chrt: null, nice: '/usr/bin/nice', powershell: null },
    reasons: {
      realtime: 'SCHED_FIFO is not offered on macOS',
      ...(root ? {} : { lowerNiceness: 'needs root on macOS' }),
    },
  };
}
