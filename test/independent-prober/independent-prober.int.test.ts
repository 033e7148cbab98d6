/**
 * The panel's probe against an independent prober (prober.mjs: no shared code, its own HTTP client,
 * busy-waits to each send) on the same real relay in the same windows: idle, under CPU load from busy
 * processes, and across a 400 ms SIGSTOP of the relay. The panel's figures must be the prober's.
 *
 * Bounded: three windows of PHASE_MS / PHASE_MS / STALL_PHASE_MS at 50 Hz (about 60 s in all). It runs
 * alone (`npm run test:timing`, after the rest of the suite): beside another test file, a 0.05 ms p90
 * comparison measures that file's CPU use, not the probe.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProbeProcess } from '../../electron/services/probe/probe-process';
import { spinMsForTier, type ProbeSample } from '../../electron/services/probe/protocol';
import {
  startRelayHarness,
  type RelayHarness,
} from '../../electron/services/probe/test-support/relay-harness';

const DIST = fileURLToPath(new URL('../../dist/relay/', import.meta.url));
const PROBER = fileURLToPath(new URL('./prober.mjs', import.meta.url));
const RATE_HZ = 50;
const INTERVAL_MS = 1000 / RATE_HZ;
/**
 * 1,000 slots a window: at 500 the p90 of two probes of the same relay differed by up to 0.07 ms from
 * one window to the next (the tail is thin there), more than the 0.05 ms the comparison allows.
 */
const PHASE_MS = 20_000;
const STALL_PHASE_MS = 4000;
const STALL_MS = 400;
const TIER = 'enterprise';
const TARGET_MS = 5;
const PROBER_OFFSET_MS = INTERVAL_MS / 2;
/**
 * The prober is a fresh process in each window, the panel's probe has run since the first: without a
 * warm-up the prober's first few hundred requests run in unoptimised code, and under load it measured
 * 0.03–0.05 ms more than the panel at p90 (its own time, not the relay's).
 */
const PROBER_WARMUP_MS = 2000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One slot as each side saw it: time from the intended send, whether it succeeded, how late it left. */
interface Slot {
  readonly t: number;
  readonly fromIntendedMs: number;
  readonly ok: boolean;
  readonly lateMs: number;
}

/**
 * A busy-waiting prober on a machine with a core to spare leaves within microseconds of each slot.
 * Past this p90 of its own lateness it was being pre-empted: the machine is too busy for either
 * probe's figures to be a reference (other work on a shared CI box; at load average 8–10 on 2 cores
 * the two probes' p90s differ by 30–50% from one window to the next), and a 10% comparison would
 * compare scheduler luck. The test then says so (skipped, with the figures) instead of comparing;
 * the counts and the stall are asserted either way.
 */
const REFERENCE_LATE_P90_MS = 0.2;

function percentile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
}

const misses = (slots: readonly Slot[]) => slots.filter((s) => !s.ok || s.fromIntendedMs > TARGET_MS).length;

function runProber(h: RelayHarness, start: number, durationMs: number): Promise<Slot[]> {
  const [command, ...prefix] = [...priority, process.execPath];
  const child = spawn(
    command!,
    [
      ...prefix,
      PROBER,
      '--url',
      `${h.apiUrl}/v1/btc/latest`,
      '--key',
      h.key,
      '--rate',
      String(RATE_HZ),
      '--start',
      String(start),
      '--duration',
      String(durationMs),
      '--warmup',
      String(PROBER_WARMUP_MS),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`prober exited ${code}: ${err}`));
      const doc = JSON.parse(out) as { samples: Array<[number, number, number, boolean]> };
      resolve(
        doc.samples.map(([t, sent, done, ok]) => ({ t, fromIntendedMs: done - t, ok, lateMs: sent - t })),
      );
    });
  });
}

function busyProcesses(count: number): { stop(): void } {
  const children = Array.from({ length: count }, () =>
    spawn(process.execPath, ['-e', 'const end = Date.now() + 60000; while (Date.now() < end) {}'], {
      stdio: 'ignore',
    }),
  );
  return { stop: () => children.forEach((c) => c.kill('SIGKILL')) };
}

/**
 * The relay, the panel's probe and the prober all run under the enterprise plan's priority where this
 * user may grant it (SCHED_FIFO 10 as the plan's `chrt -f 10`, else nice −10), the busy processes at
 * normal priority: the panel applies the relay's plan to its probe, and the independent prober gets
 * the same footing, so the comparison is between the two probes, not their places in the run queue.
 * Without SCHED_FIFO that footing is not to be had: under nice −10 (and at normal priority) the
 * prober's p90 was 0.03–0.15 ms above the panel's on this 2-core VM, idle, and moved with the
 * prober's phase against the panel's slots (0.03 at a 5 ms offset, 0.15–0.23 at 15 ms). The p50/p90
 * comparison is then skipped with that reason; the counts and the stall are asserted either way.
 */
let priority: string[] = [];
function raiseRelayPriority(pid: number): string[] {
  const tids = readdirSync(`/proc/${pid}/task`);
  // Both change one thread on Linux: raise every thread the relay has.
  const fifo = tids.every((tid) => spawnSync('chrt', ['-f', '-p', '10', tid]).status === 0);
  if (fifo) return ['chrt', '-f', '10'];
  try {
    for (const tid of tids) os.setPriority(Number(tid), -10);
    return ['nice', '-n', '-10'];
  } catch {
    return [];
  }
}

let harness: RelayHarness;
let panel: ProbeProcess;
const panelSamples: ProbeSample[] = [];

beforeAll(async () => {
  harness = await startRelayHarness({ distDir: DIST, tier: TIER });
  await harness.mine(1);
  if (process.platform === 'linux') priority = raiseRelayPriority(harness.relayPid);
  panel = new ProbeProcess({
    execPath: process.execPath,
    script: path.join(DIST, 'probe.mjs'),
    argvPrefix: priority,
    env: process.env,
    apiUrl: harness.apiUrl,
    key: harness.key,
    rateHz: RATE_HZ,
    stream: false,
    spinMs: spinMsForTier(TIER),
  });
  panel.on('samples', (s) => panelSamples.push(...s));
  panel.start();
  const deadline = Date.now() + 10_000;
  while (panelSamples.length < RATE_HZ && Date.now() < deadline) await sleep(50);
}, 30_000);

afterAll(async () => {
  await panel?.stop();
  await harness?.stop();
});

/**
 * Both probes over [start, start + durationMs): the panel's slots on its 20 ms grid, the prober's
 * half an interval later. Symmetric on purpose: each probe busy-waits before its sends, and on a
 * 2-core machine a spin that overlaps the other probe's request in flight slows that request; at half
 * an interval each spin overlaps the other's requests alike (2 ms after, it would only hit the panel's).
 */
async function window(durationMs: number, during?: (start: number) => Promise<void>) {
  const start = Math.ceil((Date.now() + PROBER_WARMUP_MS + 500) / 1000) * 1000;
  const prober = runProber(harness, start + PROBER_OFFSET_MS, durationMs);
  await during?.(start);
  const independent = await prober;
  // The panel's last slots arrive within its timeout plus a 250 ms batch.
  const end = start + durationMs;
  while (Date.now() < end + 1500) await sleep(50);
  const own = panelSamples
    .filter(([t]) => t >= start && t < end)
    .map(([t, latencyMs, ok, lateMs]) => ({ t, fromIntendedMs: latencyMs, ok, lateMs: lateMs ?? 0 }));
  return { own, independent, start, end };
}

function expectSameFigures(
  own: readonly Slot[],
  independent: readonly Slot[],
  label: string,
  skip: (note: string) => void,
): void {
  const referenceLate = percentile(
    independent.map((s) => s.lateMs),
    0.9,
  );
  const panelLate = percentile(
    own.map((s) => s.lateMs),
    0.9,
  );
  const figures = [0.5, 0.9].map((q) => ({
    q,
    panel: percentile(
      own.map((s) => s.fromIntendedMs),
      q,
    ),
    independent: percentile(
      independent.map((s) => s.fromIntendedMs),
      q,
    ),
  }));
  // The figures, printed so a failure, a skip or a CI log shows both sides.
  console.log(
    `${label} (${priority.length ? priority.join(' ') : 'normal priority'}): lateness p90 panel ${panelLate.toFixed(3)} / independent ${referenceLate.toFixed(3)} ms; ` +
      figures
        .map((f) => `p${f.q * 100} panel ${f.panel.toFixed(3)} / independent ${f.independent.toFixed(3)} ms`)
        .join('; '),
  );
  if (priority[0] !== 'chrt') {
    skip(
      `${label}: SCHED_FIFO is refused here; under the normal scheduler the two probes' p90s differ by ` +
        '0.03–0.15 ms from their placement alone, so the 0.05 ms comparison needs real-time priority',
    );
    return;
  }
  if (referenceLate > REFERENCE_LATE_P90_MS) {
    skip(
      `${label}: the independent prober itself was ${referenceLate.toFixed(1)} ms late at p90: machine too busy`,
    );
    return;
  }
  for (const f of figures) {
    const tolerance = Math.max(0.1 * f.independent, 0.05);
    expect(
      Math.abs(f.panel - f.independent),
      `${label} p${f.q * 100}: panel ${f.panel} vs independent ${f.independent}`,
    ).toBeLessThanOrEqual(tolerance);
  }
}

describe.skipIf(process.platform === 'win32')('the panel’s probe against an independent prober', () => {
  it('idle: same p50 and p90, n = rate × duration on both sides', { timeout: 40_000 }, async (ctx) => {
    const { own, independent } = await window(PHASE_MS);
    expect(own).toHaveLength((RATE_HZ * PHASE_MS) / 1000);
    expect(independent).toHaveLength((RATE_HZ * PHASE_MS) / 1000);
    expectSameFigures(own, independent, 'idle', (note) => ctx.skip(note));
  });

  it('under CPU load from busy processes: still the same p50 and p90', { timeout: 40_000 }, async (ctx) => {
    const load = busyProcesses(os.availableParallelism());
    try {
      await sleep(500);
      const { own, independent } = await window(PHASE_MS);
      expect(own).toHaveLength((RATE_HZ * PHASE_MS) / 1000);
      expect(independent).toHaveLength((RATE_HZ * PHASE_MS) / 1000);
      expectSameFigures(own, independent, 'loaded', (note) => ctx.skip(note));
    } finally {
      load.stop();
    }
  });

  it('a 400 ms SIGSTOP of the relay is counted within ±20% by both', { timeout: 30_000 }, async () => {
    let stoppedAt = 0;
    let resumedAt = 0;
    const { own, independent } = await window(STALL_PHASE_MS, async (start) => {
      await sleep(start + 1500 - Date.now());
      stoppedAt = Date.now();
      process.kill(harness.relayPid, 'SIGSTOP');
      await sleep(STALL_MS);
      process.kill(harness.relayPid, 'SIGCONT');
      resumedAt = Date.now();
    });
    // Misses of the slots the stall met (and the backlog just after it) only: elsewhere a busy shared
    // machine may add a stray slow sample to either side.
    const near = (slots: readonly Slot[]) =>
      slots.filter((s) => s.t >= stoppedAt - 50 && s.t < resumedAt + 100);
    const a = misses(near(own));
    const b = misses(near(independent));
    console.log(
      `stall: panel ${a} misses, independent ${b} misses (${STALL_MS / INTERVAL_MS} slots stalled)`,
    );
    const expected = STALL_MS / INTERVAL_MS;
    expect(a).toBeGreaterThanOrEqual(expected * 0.8);
    expect(b).toBeGreaterThanOrEqual(expected * 0.8);
    expect(Math.abs(a - b)).toBeLessThanOrEqual(0.2 * Math.max(a, b));
    // Every slot is accounted for on both sides, stall or not.
    expect(own).toHaveLength((RATE_HZ * STALL_PHASE_MS) / 1000);
    expect(independent).toHaveLength((RATE_HZ * STALL_PHASE_MS) / 1000);
  });
});
