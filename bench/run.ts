// `npm run bench`: runs every benchmark one after another (never concurrently: they would measure
// each other), each in a fresh process, prints one markdown table and writes JSON to bench/results/.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runChartBench } from './chart-bench';
import { CLOCK_SAMPLE_FLAG, printClockOffset, runClockBench } from './clock-bench';
import { runFleetHostileBench } from './fleet-hostile-bench';
import { runGoRelayBench } from './go-relay-bench';
import { runGoRelayEnterpriseBench, runGoRelayScaleBench } from './go-relay-scale-bench';
import { runHistoryBench } from './history-bench';
import { runHostileBench } from './hostile-bench';
import { runProbeBench } from './probe-bench';
import { runRelayBench } from './relay-bench';
import { runRelayScaleBench } from './relay-scale-bench';
import { runReorgBench } from './reorg-bench';
import { runSlaTestBench } from './sla-test-bench';
import { runSupervisorBench } from './supervisor-bench';
import { runTuningBench } from './tuning-bench';
import type { BenchSection } from './types';

const CHILD_FLAG = '--section';
const RESULT_PREFIX = 'BENCH_SECTION ';

const SECTIONS: Record<string, () => Promise<BenchSection>> = {
  relay: runRelayBench,
  'go-relay': runGoRelayBench,
  'go-relay-scale': runGoRelayScaleBench,
  'go-relay-enterprise': runGoRelayEnterpriseBench,
  'relay-scale': runRelayScaleBench,
  history: runHistoryBench,
  probe: runProbeBench,
  'sla-test': runSlaTestBench,
  chart: runChartBench,
  supervisor: runSupervisorBench,
  hostile: runHostileBench,
  reorg: runReorgBench,
  'fleet-hostile': runFleetHostileBench,
  tuning: runTuningBench,
  clock: runClockBench,
};

function format(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

function table(sections: BenchSection[]): string {
  const lines: string[] = [];
  for (const section of sections) {
    lines.push(
      `### ${section.title}`,
      '',
      '| metric | value | unit | target | met |',
      '|---|---:|---|---|---|',
    );
    for (const row of section.rows) {
      const met = row.met === undefined ? '' : row.met ? 'yes' : '**no**';
      lines.push(`| ${row.metric} | ${format(row.value)} | ${row.unit} | ${row.target ?? ''} | ${met} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

/** Runs one section in a fresh process, so no section's heap or sockets colour another's figures. */
function runIsolated(name: string): Promise<BenchSection> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), CHILD_FLAG, name], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = output.split('\n').find((each) => each.startsWith(RESULT_PREFIX));
      if (code === 0 && line) resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as BenchSection);
      else reject(new Error(`${name} exited with ${code}${output ? `: ${output.slice(-2000)}` : ''}`));
    });
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === CLOCK_SAMPLE_FLAG) return printClockOffset();
  if (args[0] === CHILD_FLAG) {
    const section = await SECTIONS[args[1] ?? '']!();
    process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(section)}\n`);
    return;
  }
  const names = args.length > 0 ? args : Object.keys(SECTIONS);
  const sections: BenchSection[] = [];
  const failures: string[] = [];
  for (const name of names) {
    if (!SECTIONS[name]) {
      failures.push(`unknown benchmark "${name}" (known: ${Object.keys(SECTIONS).join(', ')})`);
      continue;
    }
    process.stderr.write(`bench: ${name}…\n`);
    try {
      sections.push(await runIsolated(name));
    } catch (error) {
      failures.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAverage: os.loadavg(),
  };
  process.stdout.write(
    `## Sprint Control benchmarks\n\n${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GiB, Node ${machine.node}, load average before ${machine.loadAverage.map((l) => l.toFixed(2)).join(' ')}\n\n${table(sections)}`,
  );
  const dir = path.resolve('bench/results');
  mkdirSync(dir, { recursive: true });
  const document = JSON.stringify({ at: new Date().toISOString(), machine, sections, failures }, null, 2);
  writeFileSync(path.join(dir, `bench-${Date.now()}.json`), document);
  writeFileSync(path.join(dir, 'latest.json'), document);
  if (failures.length > 0) {
    process.stderr.write(`\nFailed:\n${failures.join('\n')}\n`);
    process.exitCode = 1;
  }
}

await main();
