import path from 'node:path';
import { rmSync } from 'node:fs';
import type { BlockRelayed, MetricsTick } from '../shared/metrics';
import { MeasurementService } from '../electron/services/metrics/measurement-service';
import { startRelayHarness } from '../electron/services/probe/test-support/relay-harness';
import { probeLatenessRows } from './probe-lateness-bench';
import { distFile, median, tempDir } from './support';
import type { BenchSection } from './types';

const RATE_HZ = 10;
const WARMUP_MS = 4000;
const MEASURE_MS = 20_000;
const BLOCK_EVERY_MS = 2000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mean = (xs: readonly number[]) =>
  xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * What measuring costs: real demo peer + relay + probe process at 10 Hz, with the MeasurementService
 * running in this process, which plays the panel's main process (aggregation, SQLite history,
 * resource sampling, ticks). CPU is percent of one core over the measured window.
 */
export async function runProbeBench(): Promise<BenchSection> {
  const dir = tempDir('probe');
  const harness = await startRelayHarness({ distDir: path.dirname(distFile('relay/relay.mjs')) });
  const service = new MeasurementService({
    history: path.join(dir, 'history.db'),
    execPath: process.execPath,
    probeScript: distFile('relay/probe.mjs'),
    rateHz: RATE_HZ,
    retention: { rawDays: 7, aggregateDays: 90 },
  });
  try {
    await harness.mine(1);
    const ticks: MetricsTick[] = [];
    const blocks: BlockRelayed[] = [];
    service.on('tick', (t) => ticks.push(t));
    service.on('block', (b) => blocks.push(b));
    await service.attach({
      apiUrl: harness.apiUrl,
      healthUrl: harness.healthUrl,
      key: harness.key,
      tier: 'pro',
      relayPid: harness.relayPid,
      argvPrefix: [],
      demoPeerUrl: harness.demoUrl,
    });
    const miner = setInterval(() => void harness.mine(1).catch(() => undefined), BLOCK_EVERY_MS);
    await sleep(WARMUP_MS);

    const ticksBefore = ticks.length;
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    const rss: number[] = [];
    const sampler = setInterval(() => rss.push(process.memoryUsage().rss / 2 ** 20), 1000);
    await sleep(MEASURE_MS);
    clearInterval(sampler);
    const cpu = process.cpuUsage(cpu0);
    const wallMs = performance.now() - wall0;
    clearInterval(miner);

    const measured = ticks.slice(ticksBefore);
    const resources = measured.map((t) => t.resources).filter((r) => r !== null);
    const probeCpu = mean(resources.map((r) => r.probeCpuPercent ?? Number.NaN).filter(Number.isFinite));
    const probeRss = Math.max(...resources.map((r) => r.probeRssMb ?? 0));
    const relayCpu = mean(resources.map((r) => r.relayCpuPercent));
    const relayRss = Math.max(...resources.map((r) => r.relayRssMb));
    const mainCpu = ((cpu.user + cpu.system) / 1000 / wallMs) * 100;
    const mainRss = Math.max(...rss);
    const last = ticks.at(-1);
    const session = last?.windows.session;
    await service.detach();
    const lateness = await probeLatenessRows(harness);

    return {
      title: `Probe and measurement cost (${RATE_HZ} Hz, ${MEASURE_MS / 1000} s, real relay + demo peer)`,
      rows: [
        {
          metric: 'main process (MeasurementService) CPU',
          value: mainCpu,
          unit: '% of a core',
          target: '≤ 3%',
          met: mainCpu <= 3,
        },
        {
          metric: 'main process RSS (max)',
          value: mainRss,
          unit: 'MB',
          target: '≤ 120 MB',
          met: mainRss <= 120,
        },
        { metric: 'probe process CPU (mean)', value: probeCpu, unit: '% of a core' },
        { metric: 'probe process RSS (max)', value: probeRss, unit: 'MB' },
        { metric: 'relay CPU (mean, probed at 10 Hz)', value: relayCpu, unit: '% of a core' },
        { metric: 'relay RSS (max)', value: relayRss, unit: 'MB' },
        { metric: 'probe latency p50 (session)', value: session?.latency.p50 ?? Number.NaN, unit: 'ms' },
        { metric: 'probe latency p99 (session)', value: session?.latency.p99 ?? Number.NaN, unit: 'ms' },
        {
          metric: `blocks relayed: added latency, median of ${blocks.length}`,
          value: median(blocks.map((b) => b.addedMs)),
          unit: 'ms',
        },
        {
          metric: 'blocks relayed: end to end from the demo peer, median',
          value: median(blocks.flatMap((b) => (b.endToEndMs === null ? [] : [b.endToEndMs]))),
          unit: 'ms',
        },
        ...lateness.rows,
      ],
      raw: {
        rateHz: RATE_HZ,
        measureMs: wallMs,
        ticks: measured.length,
        samples: session?.latency.n ?? 0,
        sla: session?.sla ?? null,
        mainCpuUserMs: cpu.user / 1000,
        mainCpuSystemMs: cpu.system / 1000,
        mainRssMb: rss,
        blocks: blocks.length,
        lateness: lateness.runs,
      },
    };
  } finally {
    await service.close();
    await harness.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
