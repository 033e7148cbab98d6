import pidusage from 'pidusage';
import { ProbeProcess } from '../electron/services/probe/probe-process';
import { SPIN_MS, type ProbeSample } from '../electron/services/probe/protocol';
import type { RelayHarness } from '../electron/services/probe/test-support/relay-harness';
import { CpuContention } from '../electron/services/sla-test/contention';
import { distFile, percentile } from './support';
import type { BenchRow } from './types';

const RUN_MS = 6000;
const SKIP_MS = 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface LatenessRun {
  readonly rateHz: number;
  readonly loaded: boolean;
  readonly spinMs: number;
  readonly n: number;
  readonly lateP50: number;
  readonly lateP99: number;
  readonly latencyP50: number;
  readonly cpuPercent: number;
}

/** One probe process for RUN_MS: its own lateness (early sends as 0) and its CPU, percent of a core. */
async function measure(
  h: RelayHarness,
  rateHz: number,
  loaded: boolean,
  spinMs: number,
): Promise<LatenessRun> {
  const samples: ProbeSample[] = [];
  const probe = new ProbeProcess({
    execPath: process.execPath,
    script: distFile('relay/probe.mjs'),
    argvPrefix: [],
    env: process.env,
    apiUrl: h.apiUrl,
    key: h.key,
    rateHz,
    stream: false,
    spinMs,
  });
  probe.on('samples', (s) => samples.push(...s));
  probe.start();
  try {
    await sleep(SKIP_MS);
    const pid = probe.pid;
    const cpu0 = pid === null ? null : await pidusage(pid);
    const from = Date.now();
    await sleep(RUN_MS);
    const cpu1 = pid === null ? null : await pidusage(pid);
    const window = samples.filter(([t]) => t >= from && t < from + RUN_MS);
    const late = window.map((s) => Math.max(0, s[3] ?? 0));
    const cpuPercent = cpu0 && cpu1 ? ((cpu1.ctime - cpu0.ctime) / (cpu1.elapsed - cpu0.elapsed)) * 100 : NaN;
    return {
      rateHz,
      loaded,
      spinMs,
      n: window.length,
      lateP50: percentile(late, 50),
      lateP99: percentile(late, 99),
      latencyP50: percentile(
        window.map((s) => s[1]),
        50,
      ),
      cpuPercent,
    };
  } finally {
    await probe.stop();
  }
}

/**
 * The probe's own lateness (actual − intended send) at 10 and 100 Hz, idle and under the SLA test's
 * CPU contention (2 busy processes per core), with and without the spin before each send, and what
 * the probe process costs in CPU each way.
 */
export async function probeLatenessRows(h: RelayHarness): Promise<{ rows: BenchRow[]; runs: LatenessRun[] }> {
  const runs: LatenessRun[] = [];
  const contention = new CpuContention({
    execPath: process.execPath,
    script: distFile('relay/busy.mjs'),
    maxSeconds: 120,
  });
  for (const loaded of [false, true]) {
    if (loaded) await contention.start();
    try {
      for (const rateHz of [10, 100]) {
        for (const spinMs of [0, SPIN_MS]) runs.push(await measure(h, rateHz, loaded, spinMs));
      }
    } finally {
      if (loaded) await contention.stop();
    }
  }
  const rows: BenchRow[] = runs.flatMap((r) => {
    const label = `${r.rateHz} Hz, ${r.loaded ? 'under load' : 'idle'}, ${r.spinMs > 0 ? `spin ${r.spinMs} ms` : 'no spin'}`;
    return [
      { metric: `probe lateness p50 (${label})`, value: r.lateP50, unit: 'ms' },
      { metric: `probe lateness p99 (${label})`, value: r.lateP99, unit: 'ms' },
      { metric: `probe latency p50 (${label})`, value: r.latencyP50, unit: 'ms' },
      { metric: `probe process CPU (${label})`, value: r.cpuPercent, unit: '% of a core' },
    ];
  });
  return { rows, runs };
}
