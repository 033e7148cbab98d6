import { readFile } from 'node:fs/promises';
import os from 'node:os';
import type { Capabilities, Tool } from '../../../shared/launch/capabilities';
import { parseCpuList } from '../../../shared/launch/cpus';
import { decideCapabilities, niceAttemptTarget, type ProbeFacts } from './capabilities';
import { statusField } from './procfs';
import { findOnPath, run, type Runner } from './run';

/** Gathers ProbeFacts from the real OS. Every privilege question is answered by actually trying. */

export interface ProbeDeps {
  readonly platform: NodeJS.Platform;
  readonly run: Runner;
  readonly findOnPath: (name: string) => Promise<string | null>;
  readonly readText: (path: string) => Promise<string | null>;
  /** A Node-compatible executable for the niceness attempt (Electron's own with ELECTRON_RUN_AS_NODE). */
  readonly nodeExecPath: string;
}

const readText = (path: string): Promise<string | null> => readFile(path, 'utf8').catch(() => null);

export const defaultProbeDeps: ProbeDeps = {
  platform: process.platform,
  run,
  findOnPath: (name) => findOnPath(name),
  readText,
  nodeExecPath: process.execPath,
};

const PRINT_NICENESS = "process.stdout.write(String(require('node:os').getPriority()))";

function linuxCpus(status: string | null): number[] | null {
  const list = status === null ? null : statusField(status, 'Cpus_allowed_list');
  try {
    return list === null ? null : parseCpuList(list);
  } catch {
    return null;
  }
}

export async function gatherFacts(deps: ProbeDeps = defaultProbeDeps): Promise<ProbeFacts> {
  const { platform } = deps;
  const [taskset, chrt, nice, powershell] = await Promise.all(
    (['taskset', 'chrt', 'nice', 'powershell'] as const).map((name) => deps.findOnPath(name)),
  );
  const tools: Record<Tool, string | null> = {
    taskset: taskset ?? null,
    chrt: chrt ?? null,
    nice: nice ?? null,
    powershell: powershell ?? null,
  };
  const [limits, status] =
    platform === 'linux'
      ? await Promise.all([deps.readText('/proc/self/limits'), deps.readText('/proc/self/status')])
      : [null, null];
  const count = os.availableParallelism();
  const cpus = (platform === 'linux' ? linuxCpus(status) : null) ?? [...Array(count).keys()];
  const baseNice = os.getPriority();
  const uid = typeof process.getuid === 'function' ? process.getuid() : null;

  let niceAttempt: ProbeFacts['niceAttempt'] = null;
  if ((platform === 'linux' || platform === 'darwin') && tools.nice !== null) {
    const target = niceAttemptTarget({ platform, baseNice, uid, limits, status });
    const env = { ...process.env, ELECTRON_RUN_AS_NODE: '1' };
    const args = ['-n', String(target - baseNice), deps.nodeExecPath, '-e', PRINT_NICENESS];
    const result = await deps.run(tools.nice, args, env);
    const printed = Number.parseInt(result.stdout.trim(), 10);
    niceAttempt = { target, result: Number.isInteger(printed) ? printed : null, stderr: result.stderr };
  }

  let rtAttempt: ProbeFacts['rtAttempt'] = null;
  if (platform === 'linux' && tools.chrt !== null) {
    const result = await deps.run(tools.chrt, ['-f', '1', 'true']);
    rtAttempt = { ok: result.code === 0, stderr: result.stderr };
  }

  return { platform, cpus, baseNice, uid, tools, limits, status, niceAttempt, rtAttempt };
}

let cached: Promise<Capabilities> | null = null;

/** Probed once per process: the answers do not change while the panel runs. */
export function probeCapabilities(): Promise<Capabilities> {
  if (cached === null) {
    const probing = gatherFacts().then(decideCapabilities);
    // A failed probe must not be remembered: the next launch should try again.
    probing.catch(() => {
      if (cached === probing) cached = null;
    });
    cached = probing;
  }
  return cached;
}

/** For tests, and for a settings action that asks to re-check after the user fixes permissions. */
export function resetCapabilitiesCache(): void {
  cached = null;
}
