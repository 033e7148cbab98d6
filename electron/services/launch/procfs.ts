import { formatCpuList, parseCpuList } from '../../../shared/launch/cpus';
import { LaunchError } from '../../../shared/launch/launch-error';

/** Pure parsers for the Linux /proc files launch plans are probed and read back from (proc(5)). */

export interface StatFields {
  /** Field 19. */
  readonly nice: number;
  /** Field 40; 1..99 under SCHED_FIFO/SCHED_RR, 0 otherwise. */
  readonly rtPriority: number;
  /** Field 41, a SCHED_* number. */
  readonly policy: number;
}

const POLICY_NAMES: Readonly<Record<number, string>> = {
  0: 'SCHED_OTHER',
  1: 'SCHED_FIFO',
  2: 'SCHED_RR',
  3: 'SCHED_BATCH',
  5: 'SCHED_IDLE',
  6: 'SCHED_DEADLINE',
};

export const SCHED_FIFO = 1;
export const SCHED_RR = 2;

export function schedPolicyName(policy: number): string {
  return POLICY_NAMES[policy] ?? `policy ${policy}`;
}

/**
 * /proc/PID/stat. comm (field 2) is the executable name in parentheses and may itself contain
 * spaces and ')', so fields are counted from the last ')' rather than by splitting the whole line.
 */
export function parseStat(text: string): StatFields {
  const close = text.lastIndexOf(')');
  if (close < 0) throw new LaunchError('parse', 'no ")" closing comm in /proc stat');
  // rest[0] is field 3 (state), so field N is rest[N - 3].
  const rest = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const field = (n: number): number => {
    const value = Number(rest[n - 3]);
    if (rest[n - 3] === undefined || !Number.isInteger(value)) {
      throw new LaunchError('parse', `/proc stat field ${n} is missing or not an integer`);
    }
    return value;
  };
  return { nice: field(19), rtPriority: field(40), policy: field(41) };
}

/** One "Key:\tvalue" line of /proc/PID/status, or null when the kernel did not print it. */
export function statusField(status: string, key: string): string | null {
  for (const line of status.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(0, colon) === key) return line.slice(colon + 1).trim();
  }
  return null;
}

/** Cpus_allowed_list in canonical form, so it compares as a string with a requested list. */
export function parseCpusAllowedList(status: string): string {
  const list = statusField(status, 'Cpus_allowed_list');
  if (list === null) throw new LaunchError('parse', 'no Cpus_allowed_list in /proc status');
  return formatCpuList(parseCpuList(list));
}

const CAP_SYS_NICE = 23n;

/** Whether CapEff holds CAP_SYS_NICE; null when the line is missing or unreadable. */
export function hasCapSysNice(status: string): boolean | null {
  const capEff = statusField(status, 'CapEff');
  if (capEff === null || !/^[0-9a-f]+$/i.test(capEff)) return null;
  return ((BigInt(`0x${capEff}`) >> CAP_SYS_NICE) & 1n) === 1n;
}

/**
 * The soft value of one /proc/PID/limits row ("Max nice priority  0  0"); 'unlimited' as Infinity,
 * null when the row is missing.
 */
export function softLimit(limits: string, name: string): number | null {
  for (const line of limits.split('\n')) {
    if (!line.startsWith(name)) continue;
    const soft = line.slice(name.length).trim().split(/\s+/)[0];
    if (soft === 'unlimited') return Infinity;
    const value = Number(soft);
    return soft !== undefined && Number.isInteger(value) ? value : null;
  }
  return null;
}
