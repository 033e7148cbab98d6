import { readdir, readFile, readlink, realpath } from 'node:fs/promises';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { LaunchError } from '../../../shared/launch/launch-error';
import { parseCpusAllowedList, parseStat, SCHED_FIFO, SCHED_RR, schedPolicyName } from './procfs';
import { run, type Runner } from './run';
import { cpusFromAffinityText, getAffinityArgs, windowsClassLabel } from '../../../shared/launch/win32';

/**
 * What the OS actually applied to a running process, in the notation plans request it in, so the
 * report compares the two as strings.
 */

export const OS_ITEM_NAMES = ['priority', 'scheduling', 'affinity'] as const;
export type OsItemName = (typeof OS_ITEM_NAMES)[number];

export function isOsItemName(name: string): name is OsItemName {
  return (OS_ITEM_NAMES as readonly string[]).includes(name);
}

export interface OsReadBack {
  readonly at: number;
  /** Missing where the platform offers no way to read an item. */
  readonly values: Readonly<Partial<Record<OsItemName, string>>>;
}

export interface ReadBackDeps {
  readonly readText: (path: string) => Promise<string>;
  readonly readDir: (path: string) => Promise<string[]>;
  readonly readLink: (path: string) => Promise<string>;
  readonly realPath: (path: string) => Promise<string>;
  readonly getPriority: (pid: number) => number;
  readonly run: Runner;
  readonly now: () => number;
}

export const defaultReadBackDeps: ReadBackDeps = {
  readText: (path) => readFile(path, 'utf8'),
  readDir: (path) => readdir(path),
  readLink: (path) => readlink(path),
  realPath: (path) => realpath(path),
  getPriority: (pid) => os.getPriority(pid),
  run,
  now: () => Date.now(),
};

export interface ReadBackOptions {
  /**
   * Linux: the executable the exec wrappers end in. The spawned PID starts as taskset (or chrt, or
   * nice) and each execs in place, so it is only read once it runs the target itself.
   */
  readonly execTarget?: string;
  /** Windows: PowerShell for ProcessorAffinity; affinity is not read without it. */
  readonly powershell?: string | null;
  readonly timeoutMs?: number;
  readonly deps?: ReadBackDeps;
}

/** "normal" for SCHED_OTHER (what plans request when not real-time), "SCHED_FIFO 10" for real-time. */
export function formatScheduling(policy: number, rtPriority: number): string {
  if (policy === 0) return 'normal';
  return policy === SCHED_FIFO || policy === SCHED_RR
    ? `${schedPolicyName(policy)} ${rtPriority}`
    : schedPolicyName(policy);
}

/** One thread's /proc/PID/task/TID/stat and status text. */
export interface ThreadProc {
  readonly stat: string;
  readonly status: string;
}

/** One value when every thread agrees, else the distinct values, so a mismatch cannot hide. */
const agreed = (values: readonly string[]): string => [...new Set(values)].join(' / ');

/**
 * Pure: per-thread /proc text to read-back values. Niceness is the weakest (highest) of any thread:
 * what the plan guarantees every thread. The relay's own HIGH_PRIORITY knob may raise its main thread
 * further with setpriority, which on Linux reaches that thread alone; the relay reports that itself.
 */
export function linuxValues(threads: readonly ThreadProc[]): Record<OsItemName, string> {
  if (threads.length === 0) throw new LaunchError('parse', 'no threads to read');
  const stats = threads.map((thread) => parseStat(thread.stat));
  return {
    priority: `nice ${Math.max(...stats.map((stat) => stat.nice))}`,
    scheduling: agreed(stats.map((stat) => formatScheduling(stat.policy, stat.rtPriority))),
    affinity: agreed(threads.map((thread) => `cpus ${parseCpusAllowedList(thread.status)}`)),
  };
}

/** An exited process's /proc entries vanish (ENOENT/ESRCH): that is 'process-gone', not an I/O fault. */
async function fromProc<T>(pid: number, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? error.code : undefined;
    if (code === 'ENOENT' || code === 'ESRCH') {
      throw new LaunchError('process-gone', `process ${pid} exited before it could be read`);
    }
    throw error;
  }
}

/** Waits until /proc/PID/exe is `execTarget`, i.e. every wrapper has exec'd onward. */
export async function awaitExec(
  pid: number,
  execTarget: string,
  timeoutMs = 2000,
  deps: ReadBackDeps = defaultReadBackDeps,
): Promise<void> {
  const want = await deps.realPath(execTarget).catch(() => execTarget);
  const deadline = deps.now() + timeoutMs;
  for (;;) {
    const seen = await fromProc(pid, () => deps.readLink(`/proc/${pid}/exe`));
    if (seen === want) return;
    if (deps.now() >= deadline) {
      throw new LaunchError(
        'exec-timeout',
        `process ${pid} still runs ${seen}, not ${want}, after ${timeoutMs} ms`,
      );
    }
    await sleep(5);
  }
}

async function readLinux(pid: number, options: ReadBackOptions, deps: ReadBackDeps): Promise<OsReadBack> {
  if (options.execTarget !== undefined) await awaitExec(pid, options.execTarget, options.timeoutMs, deps);
  const tids = await fromProc(pid, () => deps.readDir(`/proc/${pid}/task`));
  const threads = await Promise.all(
    tids.map(async (tid): Promise<ThreadProc | null> => {
      const dir = `/proc/${pid}/task/${tid}`;
      // A thread may end between listing and reading; only the process vanishing is an error.
      const read = Promise.all([deps.readText(`${dir}/stat`), deps.readText(`${dir}/status`)]);
      return read.then(([stat, status]) => ({ stat, status })).catch(() => null);
    }),
  );
  const alive = threads.filter((thread) => thread !== null);
  if (alive.length === 0)
    throw new LaunchError('process-gone', `process ${pid} exited before it could be read`);
  return { at: deps.now(), values: linuxValues(alive) };
}

function priorityOf(pid: number, deps: ReadBackDeps): number {
  try {
    return deps.getPriority(pid);
  } catch (error) {
    throw new LaunchError('process-gone', `cannot read priority of ${pid}: ${String(error)}`);
  }
}

async function readWindows(pid: number, options: ReadBackOptions, deps: ReadBackDeps): Promise<OsReadBack> {
  const values: Partial<Record<OsItemName, string>> = { priority: windowsClassLabel(priorityOf(pid, deps)) };
  if (options.powershell != null) {
    const result = await deps.run(options.powershell, getAffinityArgs(pid));
    if (result.code === 0) values.affinity = `cpus ${cpusFromAffinityText(result.stdout)}`;
  }
  return { at: deps.now(), values };
}

/**
 * Reads back priority, scheduling and affinity. Throws LaunchError: 'process-gone' when the process
 * has exited, 'exec-timeout' when the wrappers never reached `execTarget`, 'parse' on unexpected text.
 */
export async function readBack(
  pid: number,
  platform: NodeJS.Platform,
  options: ReadBackOptions = {},
): Promise<OsReadBack> {
  const deps = options.deps ?? defaultReadBackDeps;
  if (platform === 'linux') return readLinux(pid, options, deps);
  if (platform === 'win32') return readWindows(pid, options, deps);
  // macOS (and the rest): niceness is all the OS lets us read.
  return { at: deps.now(), values: { priority: `nice ${priorityOf(pid, deps)}` } };
}
