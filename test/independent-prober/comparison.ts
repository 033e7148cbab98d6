/**
 * What the timing tests that hold the panel's probe to a reference prober share: one real relay under
 * the enterprise plan, the panel's probe process running on it throughout, windows in which a
 * reference prober runs beside the panel's probe on the same relay, and the p50/p90 comparison.
 * The references: prober.mjs (Node, no shared code) and c-prober.c (C, no runtime at all).
 */
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { ProbeProcess } from '../../electron/services/probe/probe-process';
import { spinMsForTier, type ProbeSample } from '../../electron/services/probe/protocol';
import {
  startRelayHarness,
  type RelayHarness,
} from '../../electron/services/probe/test-support/relay-harness';

export const DIST = fileURLToPath(new URL('../../dist/relay/', import.meta.url));
export const RATE_HZ = 50;
export const INTERVAL_MS = 1000 / RATE_HZ;
/**
 * 1,000 slots a window: at 500 the p90 of two probes of the same relay differed by up to 0.07 ms from
 * one window to the next (the tail is thin there), more than the 0.05 ms the comparison allows.
 */
export const PHASE_MS = 20_000;
export const TIER = 'enterprise';
export const TARGET_MS = 5;
/**
 * Half an interval after the panel's slots. Symmetric on purpose: each probe busy-waits before its
 * sends, and on a 2-core machine a spin that overlaps the other probe's request in flight slows that
 * request; at half an interval each spin overlaps the other's requests alike (2 ms after, it would
 * only hit the panel's).
 */
export const REFERENCE_OFFSET_MS = INTERVAL_MS / 2;
/**
 * The reference is a fresh process in each window, the panel's probe has run since the first: without
 * a warm-up a Node prober's first few hundred requests run in unoptimised code, and under load it
 * measured 0.03–0.05 ms more than the panel at p90 (its own time, not the relay's). The C prober has no
 * JIT, but its first requests still meet cold caches and a cold connection; it warms up alike.
 */
export const REFERENCE_WARMUP_MS = 2000;
/**
 * A busy-waiting prober on a machine with a core to spare leaves within microseconds of each slot.
 * Past this p90 of its own lateness it was being pre-empted: the machine is too busy for either
 * probe's figures to be a reference (other work on a shared CI box; at load average 8–10 on 2 cores
 * the two probes' p90s differ by 30–50% from one window to the next), and a 10% comparison would
 * compare scheduler luck. The test then says so (skipped, with the figures) instead of comparing;
 * the counts and the stall are asserted either way.
 */
export const REFERENCE_LATE_P90_MS = 0.2;

/**
 * Past this 1-minute load average per core the machine is shared with far more work than the test's
 * own (its loaded window adds about 2.5 per core), and the p90 is scheduler luck: at 6.5–12 per core
 * the panel's and the reference's p90s differed by 0.10–0.23 ms either way from one window to the next
 * while their p50s stayed within 0.04 ms. The p50 is always compared; a p90 outside the bounds on such a
 * machine is inconclusive, and the test says so (skipped, with the figures) instead of failing.
 */
export const BUSY_LOAD_PER_CORE = 4;

/**
 * A window outside the bounds is measured again, up to three windows, and the last one's figures
 * stand. On this 2-core VM single windows of the same probes on the same relay moved by 0.06–0.09 ms
 * at p50 or p90 from one to the next (a fresh-clone run: loaded p50 panel 0.328 / C 0.409, where the
 * runs before and after read −0.04 to +0.04), and by 0.7–5.4 ms at p90 when the two real-time probers
 * and the relay shared the cores badly (idle p90 panel 2.603 / C 0.731, the next window 0.527 / 0.498;
 * in another run two windows in a row: 0.893 / 0.689, then 6.014 / 0.588 with p50 0.267 / 0.218). A
 * probe that mis-measures is outside the bounds in every window, so it still fails. Every window's
 * figures are printed.
 */
export const COMPARED_WINDOWS = 3;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One slot as each side saw it: time from the intended send, whether it succeeded, how late it left. */
export interface Slot {
  readonly t: number;
  readonly fromIntendedMs: number;
  readonly ok: boolean;
  readonly lateMs: number;
  /**
   * The prober's own busy time in the answer's window: the panel's (PoolAnswer.ownMs) and the Node
   * reference's (event-loop utilisation); absent for the C prober, which is the floor.
   */
  readonly ownMs?: number;
}

export function percentile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
}

export function busyProcesses(count: number): { stop(): void } {
  const children = Array.from({ length: count }, () =>
    spawn(process.execPath, ['-e', 'const end = Date.now() + 60000; while (Date.now() < end) {}'], {
      stdio: 'ignore',
    }),
  );
  return { stop: () => children.forEach((c) => c.kill('SIGKILL')) };
}

/**
 * The relay, the panel's probe and the reference all run under the enterprise plan's priority where
 * this user may grant it (SCHED_FIFO 10 as the plan's `chrt -f 10`, else nice −10), the busy processes
 * at normal priority: the panel applies the relay's plan to its probe, and the reference gets the same
 * footing, so the comparison is between the two probes, not their places in the run queue. Without
 * SCHED_FIFO that footing is not to be had: under nice −10 (and at normal priority) the Node prober's
 * p90 was 0.03–0.15 ms above the panel's on a 2-core VM, idle, and moved with its phase against the
 * panel's slots (0.03 at a 5 ms offset, 0.15–0.23 at 15 ms). The p50/p90 comparison is then skipped
 * with that reason; the counts are asserted either way.
 */
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

/** The flags both reference probers take for the key and the schedule of one window. */
export function scheduleArgs(b: Bench, start: number, durationMs: number): string[] {
  return [
    ...['--key', b.harness.key, '--rate', String(RATE_HZ)],
    ...['--start', String(start), '--duration', String(durationMs)],
    ...['--warmup', String(REFERENCE_WARMUP_MS)],
  ];
}

/** Runs a reference prober (argv after the priority prefix) and reads its {samples} document. */
export function runReference(argv: readonly string[], priority: readonly string[]): Promise<Slot[]> {
  const [command, ...rest] = [...priority, ...argv];
  const child = spawn(command!, rest, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${argv[0]} exited ${code}: ${err}`));
      const doc = JSON.parse(out) as { samples: Array<[number, number, number, boolean, number?]> };
      resolve(
        doc.samples.map(([t, sent, done, ok, ownMs]) => ({
          t,
          fromIntendedMs: done - t,
          ok,
          lateMs: sent - t,
          ...(ownMs === undefined ? {} : { ownMs }),
        })),
      );
    });
  });
}

/** The relay and the panel's probe, running until stop(); windows of both probes in between. */
export interface Bench {
  readonly harness: RelayHarness;
  /** The priority prefix everything runs under (empty: normal priority). */
  readonly priority: readonly string[];
  /**
   * Both probes over [start, start + durationMs): the panel's slots on its 20 ms grid, the reference's
   * REFERENCE_OFFSET_MS later. `reference` gets the start of its first measured slot.
   */
  window(
    durationMs: number,
    reference: (start: number) => Promise<Slot[]>,
    during?: (start: number) => Promise<void>,
  ): Promise<{ own: Slot[]; independent: Slot[]; start: number; end: number }>;
  stop(): Promise<void>;
}

export async function startBench(): Promise<Bench> {
  const harness = await startRelayHarness({ distDir: DIST, tier: TIER });
  let panel: ProbeProcess | undefined;
  try {
    await harness.mine(1);
    const priority = process.platform === 'linux' ? raiseRelayPriority(harness.relayPid) : [];
    const panelSamples: ProbeSample[] = [];
    const probe = new ProbeProcess({
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
    panel = probe;
    probe.on('samples', (s) => panelSamples.push(...s));
    probe.start();
    const deadline = Date.now() + 10_000;
    while (panelSamples.length < RATE_HZ && Date.now() < deadline) await sleep(50);
    return {
      harness,
      priority,
      async window(durationMs, reference, during) {
        const start = Math.ceil((Date.now() + REFERENCE_WARMUP_MS + 500) / 1000) * 1000;
        const independentRun = reference(start + REFERENCE_OFFSET_MS);
        await during?.(start);
        const independent = await independentRun;
        // The panel's last slots arrive within its timeout plus a 250 ms batch.
        const end = start + durationMs;
        while (Date.now() < end + 1500) await sleep(50);
        const own = panelSamples
          .filter(([t]) => t >= start && t < end)
          .map(([t, latencyMs, ok, lateMs, ownMs]) => ({
            t,
            fromIntendedMs: latencyMs,
            ok,
            lateMs: lateMs ?? 0,
            ...(ownMs === undefined ? {} : { ownMs }),
          }));
        return { own, independent, start, end };
      },
      async stop() {
        await probe.stop();
        await harness.stop();
      },
    };
  } catch (err) {
    await panel?.stop();
    await harness.stop();
    throw err;
  }
}

/**
 * The panel's p50 and p90 against the reference's: within 10% or 0.05 ms, whichever is larger, once
 * each side's own time is allowed for. The figures are printed first so a failure, a skip or a CI log
 * shows both sides.
 *
 * A prober reads the relay's latency plus its own work in the answer's window (a timer, a spin for the
 * next slot, a collection), and both Node probers measure that own time with every sample (the panel
 * shows it as "Probe own" on the SLA card). So each figure stands for a range: the relay's figure lies
 * between the figure less its own time and the figure itself. The two ranges must meet, within the
 * tolerance: the panel less its own time is not above the reference's figure, and the reference less
 * its own time is not above the panel's figure. A panel that reads more than its own time above the
 * reference, or less than the reference's own time below it, fails.
 *
 * `floor: true` (the C prober, which has no runtime: the least any prober can read on this relay): the
 * reference's own time is taken as none, so the panel never reads below it. On a fresh-clone CI box the
 * panel read 0.08–0.11 ms above C at p90 with 0.01–0.02 at p50, within its own time. A Node reference
 * must carry its own time; under CPU load it read 0.10 ms above the panel at p90 (0.700 / 0.604 ms on
 * a CI run), which a two-sided 10% comparison of the raw figures called a disagreement.
 */
export function expectSameFigures(
  own: readonly Slot[],
  independent: readonly Slot[],
  o: {
    label: string;
    reference: string;
    priority: readonly string[];
    skip: (note: string) => void;
    floor?: boolean;
  },
): void {
  const late = (slots: readonly Slot[]) =>
    percentile(
      slots.map((s) => s.lateMs),
      0.9,
    );
  const referenceLate = late(independent);
  const at = (slots: readonly Slot[], q: number) => ({
    figure: percentile(
      slots.map((s) => s.fromIntendedMs),
      q,
    ),
    /** The figure with the prober's own time taken out of each sample. */
    withoutOwn: percentile(
      slots.map((s) => s.fromIntendedMs - (s.ownMs ?? 0)),
      q,
    ),
    ownTime: percentile(
      slots.map((s) => s.ownMs ?? 0),
      q,
    ),
  });
  const figures = [0.5, 0.9].map((q) => ({ q, panel: at(own, q), reference: at(independent, q) }));
  const { label, reference, priority } = o;
  const load = os.loadavg()[0] ?? 0;
  const cores = os.availableParallelism();
  const side = (f: ReturnType<typeof at>, withOwn: boolean) =>
    withOwn
      ? `${f.figure.toFixed(3)} (own ${f.ownTime.toFixed(3)}, without it ${f.withoutOwn.toFixed(3)})`
      : f.figure.toFixed(3);
  console.log(
    `${label} (${priority.length ? priority.join(' ') : 'normal priority'}, load average ${load.toFixed(1)} on ${cores} cores): lateness p90 panel ${late(own).toFixed(3)} / ${reference} ${referenceLate.toFixed(3)} ms; ` +
      figures
        .map(
          (f) =>
            `p${f.q * 100} panel ${side(f.panel, true)} / ${reference} ${side(f.reference, !o.floor)} ms`,
        )
        .join('; '),
  );
  if (own.some((s) => s.ownMs === undefined))
    throw new Error(`${label}: the panel's samples carry no own time, so the comparison cannot be made`);
  if (!o.floor && independent.some((s) => s.ownMs === undefined))
    throw new Error(
      `${label}: the ${reference} prober's samples carry no own time; only a floor prober may leave it out`,
    );
  if (priority[0] !== 'chrt') {
    o.skip(
      `${label}: SCHED_FIFO is refused here; under the normal scheduler the two probes' p90s differ by ` +
        '0.03–0.15 ms from their placement alone, so the 0.05 ms comparison needs real-time priority',
    );
    return;
  }
  if (referenceLate > REFERENCE_LATE_P90_MS) {
    o.skip(
      `${label}: the ${reference} prober itself was ${referenceLate.toFixed(1)} ms late at p90: machine too busy`,
    );
    return;
  }
  for (const f of figures) {
    const tolerance = Math.max(0.1 * f.reference.figure, 0.05);
    const referenceFigure = o.floor ? f.reference.figure : f.reference.withoutOwn;
    const above = f.panel.withoutOwn - f.reference.figure;
    const below = referenceFigure - f.panel.figure;
    const gap = Math.max(above, below);
    if (f.q > 0.5 && gap > tolerance && load > BUSY_LOAD_PER_CORE * cores) {
      o.skip(
        `${label}: p50 within bounds; p${f.q * 100} ${gap.toFixed(3)} ms apart is inconclusive at load ` +
          `average ${load.toFixed(1)} on ${cores} cores (other work on the machine: the tail is scheduler luck)`,
      );
      return;
    }
    expect(
      below,
      o.floor
        ? `${label} p${f.q * 100}: panel ${f.panel.figure} is below ${reference} ${f.reference.figure}`
        : `${label} p${f.q * 100}: panel ${f.panel.figure} is below ${reference} less its own time ${f.reference.withoutOwn}`,
    ).toBeLessThanOrEqual(tolerance);
    expect(
      above,
      `${label} p${f.q * 100}: panel ${f.panel.figure} less its own time ${f.panel.withoutOwn} is above ${reference} ${f.reference.figure}`,
    ).toBeLessThanOrEqual(tolerance);
  }
}

/**
 * The two windows every reference is held to, as tests: idle, and under one busy process per core.
 * Both sides must have every slot (n = rate × duration) and every slot answered: an idle or CPU-loaded
 * relay loses none. `unavailable` names why the reference cannot run here (the test then skips).
 */
export function idleAndLoadedComparisons(o: {
  readonly reference: string;
  readonly floor?: boolean;
  readonly bench: () => Bench | undefined;
  readonly run: (bench: Bench, durationMs: number) => (start: number) => Promise<Slot[]>;
  readonly unavailable?: () => string | null;
}): void {
  const compareWindow = async (label: string, skip: (note: string) => void): Promise<void> => {
    const bench = o.bench();
    const missing = o.unavailable?.() ?? (bench ? null : 'no relay');
    if (missing !== null || !bench) return skip(missing ?? 'no relay');
    for (let window = 1; ; window++) {
      const { own, independent } = await bench.window(PHASE_MS, o.run(bench, PHASE_MS));
      const n = (RATE_HZ * PHASE_MS) / 1000;
      expect(own).toHaveLength(n);
      expect(independent).toHaveLength(n);
      expect(own.filter((s) => !s.ok)).toHaveLength(0);
      expect(independent.filter((s) => !s.ok)).toHaveLength(0);
      let skipped: string | null = null;
      try {
        expectSameFigures(own, independent, {
          label: window > 1 ? `${label}, window ${window}` : label,
          reference: o.reference,
          priority: bench.priority,
          skip: (note) => (skipped = note),
          ...(o.floor ? { floor: true } : {}),
        });
      } catch (error) {
        if (window >= COMPARED_WINDOWS || !(error instanceof Error) || error.name !== 'AssertionError')
          throw error;
        console.log(`${label}: window ${window} outside the bounds (${error.message}); measuring another`);
        continue;
      }
      if (skipped !== null) skip(skipped);
      return;
    }
  };
  const suffix = o.reference === 'independent' ? '' : ` vs ${o.reference}`;

  it(`idle: same p50 and p90 as the ${o.reference} prober`, { timeout: 110_000 }, async (ctx) => {
    await compareWindow(`idle${suffix}`, (note) => ctx.skip(note));
  });

  it('under CPU load from busy processes: still the same p50 and p90', { timeout: 110_000 }, async (ctx) => {
    const load = busyProcesses(os.availableParallelism());
    try {
      await sleep(500);
      await compareWindow(`loaded${suffix}`, (note) => ctx.skip(note));
    } finally {
      load.stop();
    }
  });
}
