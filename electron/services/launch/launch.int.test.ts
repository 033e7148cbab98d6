import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdtemp, readdir, readFile, readlink, realpath, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LaunchReport } from '../../../shared/launch';
import type { Capabilities } from '../../../shared/launch/capabilities';
import { formatCpuList } from '../../../shared/launch/cpus';
import { planLaunch } from '../../../shared/launch/plan';
import type { LaunchPlan } from '../../../shared/launch/plan-types';
import { parseStat, SCHED_FIFO, softLimit } from './procfs';
import { probeCapabilities, resetCapabilitiesCache } from './probe';
import { readBack } from './readback';
import { buildLaunchReport } from './report';
import { findOnPath, run } from './run';

/**
 * Real processes, real kernel: plans are spawned and /proc is read back. The granted path needs root
 * (CAP_SYS_NICE); the refused path drops to uid 65534 with setpriv (or runuser) and runs the launch
 * path there, bundled into a world-readable temp dir since the repo may not be readable by nobody.
 */
const linuxRoot = process.platform === 'linux' && process.getuid?.() === 0;

let dir = '';
let idleScript = '';
let raiseMainScript = '';
let asUserBundle = '';
let asNobody: string[] = [];
const children: ChildProcess[] = [];

beforeAll(async () => {
  if (!linuxRoot) return;
  dir = await mkdtemp(join(os.tmpdir(), 'sprint-launch-'));
  await chmod(dir, 0o755);
  idleScript = join(dir, 'idle.cjs');
  // "ready" once Node's own threads (V8 workers, libuv pool users) exist, so all can be checked.
  await writeFile(idleScript, "process.stdout.write('ready\\n'); setInterval(() => {}, 1000);\n", {
    mode: 0o644,
  });
  // What the relay's HIGH_PRIORITY knob does: setpriority on itself, which Linux applies to one thread.
  raiseMainScript = join(dir, 'raise-main.cjs');
  const raise = "require('node:os').setPriority(0, require('node:os').constants.priority.PRIORITY_HIGH);";
  await writeFile(raiseMainScript, `${raise}\n${await readFile(idleScript, 'utf8')}`, { mode: 0o644 });
  asUserBundle = join(dir, 'launch-as-user.mjs');
  await build({
    entryPoints: [join(import.meta.dirname, 'test-support/launch-as-user.ts')],
    outfile: asUserBundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'warning',
  });
  await chmod(asUserBundle, 0o644);
  const setpriv = await findOnPath('setpriv');
  const runuser = await findOnPath('runuser');
  if (setpriv !== null) asNobody = [setpriv, '--reuid=65534', '--regid=65534', '--clear-groups'];
  else if (runuser !== null) asNobody = [runuser, '-u', 'nobody', '--'];
});

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

afterAll(async () => {
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

function planFor(
  tier: 'pro' | 'turbo' | 'enterprise',
  capabilities: Capabilities,
  cpus?: string,
  script = idleScript,
): LaunchPlan {
  return planLaunch({
    tier,
    overrides: cpus === undefined ? {} : { cpus },
    platform: 'linux',
    capabilities,
    target: { kind: 'builtin', execPath: process.execPath, script },
    env: { PATH: process.env.PATH ?? '' },
  });
}

/** Spawns argv and resolves once the idle script has printed "ready" (so every wrapper has exec'd). */
async function spawnReady(
  argv: readonly string[],
  env: Readonly<Record<string, string>>,
): Promise<{ pid: number; stderr: () => string }> {
  const [command = '', ...args] = argv;
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await once(child, 'spawn');
  await once(child.stdout ?? child, 'data');
  return { pid: child.pid ?? -1, stderr: () => stderr };
}

const item = (report: LaunchReport, name: string) => report.items.find((i) => i.name === name);

describe.runIf(linuxRoot)('granted: root on this machine', () => {
  it('spawns enterprise pinned to CPU 1 and every thread carries nice, SCHED_FIFO and affinity', async () => {
    resetCapabilitiesCache();
    const caps = await probeCapabilities();
    expect(caps.canLowerNiceness).toBe(true);
    expect(caps.niceFloor).toBe(-20);
    const plan = planFor('enterprise', caps, '1');
    const { pid } = await spawnReady([plan.command, ...plan.args], plan.env);

    // The spawned PID was taskset's; each wrapper exec'd in place, so it is now Node running the script.
    expect(await readlink(`/proc/${pid}/exe`)).toBe(await realpath(process.execPath));
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    expect(cmdline.slice(0, 2)).toEqual([process.execPath, idleScript]);

    const applied = await readBack(pid, 'linux', { execTarget: plan.execTarget });
    const fifo = caps.canRealtime ? 'SCHED_FIFO 10' : 'normal';
    expect(applied.values).toEqual({ priority: 'nice -15', scheduling: fifo, affinity: 'cpus 1' });

    const tasks = await readdir(`/proc/${pid}/task`);
    expect(tasks.length).toBeGreaterThan(1);
    for (const tid of tasks) {
      const stat = parseStat(await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8'));
      expect(stat.nice).toBe(-15);
      expect(stat.policy).toBe(caps.canRealtime ? SCHED_FIFO : 0);
      const status = await readFile(`/proc/${pid}/task/${tid}/status`, 'utf8');
      expect(status).toMatch(/^Cpus_allowed_list:\s*1$/m);
    }

    const report = buildLaunchReport(plan, { readBack: applied, steps: [] });
    expect(item(report, 'priority')).toMatchObject({ applied: 'nice -15', granted: true });
    expect(item(report, 'affinity')).toMatchObject({ requested: 'cpus 1', applied: 'cpus 1', granted: true });
    expect(item(report, 'scheduling')?.granted).toBe(caps.canRealtime);
  });

  it('turbo without an override pins only where the machine has 4 or more cores', async () => {
    const caps = await probeCapabilities();
    const plan = planFor('turbo', caps);
    const { pid } = await spawnReady([plan.command, ...plan.args], plan.env);
    const applied = await readBack(pid, 'linux', { execTarget: plan.execTarget });
    const report = buildLaunchReport(plan, { readBack: applied, steps: [] });
    if (caps.cpus.length < 4) {
      expect(item(report, 'affinity')).toMatchObject({
        applied: `cpus ${formatCpuList(caps.cpus)}`,
        granted: false,
        reason: `machine has ${caps.cpus.length} cores; dedicated cores need 4 or more`,
      });
    } else {
      expect(item(report, 'affinity')?.granted).toBe(true);
    }
    expect(item(report, 'priority')).toMatchObject({ applied: 'nice -10', granted: true });
  });

  it('a relay raising its own main thread does not mask what the plan gave every thread', async () => {
    const plan = planFor('turbo', await probeCapabilities(), undefined, raiseMainScript);
    const { pid } = await spawnReady([plan.command, ...plan.args], plan.env);
    const main = parseStat(await readFile(`/proc/${pid}/stat`, 'utf8'));
    expect(main.nice).toBe(os.constants.priority.PRIORITY_HIGH);
    const applied = await readBack(pid, 'linux', { execTarget: plan.execTarget });
    expect(applied.values.priority).toBe('nice -10');
  });
});

describe.runIf(linuxRoot)('refused: the same launch as uid 65534', () => {
  it('probes no privilege, plans without nice/chrt, still starts, and the report says why', async () => {
    expect(asNobody).not.toEqual([]);
    const limits = await readFile('/proc/self/limits', 'utf8');
    // Preconditions of this machine that the expected reasons quote (nobody inherits root's limits).
    const rlimNice = softLimit(limits, 'Max nice priority');
    const rlimRt = softLimit(limits, 'Max realtime priority');
    expect([rlimNice, rlimRt]).toEqual([0, 0]);

    const result = await run(asNobody[0] ?? '', [
      ...asNobody.slice(1),
      process.execPath,
      asUserBundle,
      'enterprise',
      JSON.stringify({ cpus: '1' }),
      idleScript,
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as {
      uid: number;
      capabilities: Capabilities;
      report: LaunchReport;
    };
    expect(out.uid).toBe(65534);
    expect(out.capabilities).toMatchObject({ canLowerNiceness: false, canRealtime: false });
    expect(out.capabilities.reasons.lowerNiceness).toBe('needs CAP_SYS_NICE or root (RLIMIT_NICE is 0)');
    expect(out.capabilities.reasons.realtime).toBe('needs CAP_SYS_NICE or root (RLIMIT_RTPRIO is 0)');

    const argv = out.report.argv;
    expect(argv.some((arg) => arg.endsWith('/nice') || arg.endsWith('/chrt'))).toBe(false);
    expect(argv.slice(0, 3)).toEqual([await findOnPath('taskset'), '-c', '1']);
    expect(out.report.readBackAt).not.toBeNull();
    expect(item(out.report, 'priority')).toMatchObject({
      requested: 'nice -15',
      applied: 'nice 0',
      granted: false,
      reason: 'needs CAP_SYS_NICE or root (RLIMIT_NICE is 0)',
    });
    expect(item(out.report, 'scheduling')).toMatchObject({ applied: 'normal', granted: false });
    // Pinning its own process needs no privilege: that part was granted.
    expect(item(out.report, 'affinity')).toMatchObject({ applied: 'cpus 1', granted: true });
  });

  it('a forced nice wrapper the OS ignores: "requested nice -5, OS applied nice 0"', async () => {
    expect(asNobody).not.toEqual([]);
    // Planned with root's capabilities, run as nobody: GNU nice warns, then execs the target anyway.
    const plan = planFor('pro', await probeCapabilities());
    expect(plan.args.slice(0, 2)).toEqual(['-n', '-5']);
    const { pid, stderr } = await spawnReady([...asNobody, plan.command, ...plan.args], plan.env);
    const applied = await readBack(pid, 'linux', { execTarget: plan.execTarget });
    const report = buildLaunchReport(plan, { readBack: applied, steps: [] });
    expect(item(report, 'priority')).toMatchObject({
      requested: 'nice -5',
      applied: 'nice 0',
      granted: false,
      reason: 'requested nice -5, OS applied nice 0',
    });
    expect(stderr()).toMatch(/cannot set niceness: Permission denied/);
  });
});
