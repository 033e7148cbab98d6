// `npm run bench`: runs every benchmark one after another (never concurrently: they would measure
// each other), prints one markdown table and writes the figures as JSON to bench/results/.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runChartBench } from './chart-bench';
import { runHistoryBench } from './history-bench';
import { runProbeBench } from './probe-bench';
import { runRelayBench } from './relay-bench';
import { runSlaTestBench } from './sla-test-bench';
import { runSupervisorBench } from './supervisor-bench';
import type { BenchSection } from './types';

const SECTIONS: Record<string, () => Promise<BenchSection>> = {
  relay: runRelayBench,
  history: runHistoryBench,
  probe: runProbeBench,
  'sla-test': runSlaTestBench,
  chart: runChartBench,
  supervisor: runSupervisorBench,
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

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const names = only.length > 0 ? only : Object.keys(SECTIONS);
  const sections: BenchSection[] = [];
  const failures: string[] = [];
  for (const name of names) {
    const run = SECTIONS[name];
    if (!run) {
      failures.push(`unknown benchmark "${name}" (known: ${Object.keys(SECTIONS).join(', ')})`);
      continue;
    }
    process.stderr.write(`bench: ${name}…\n`);
    try {
      sections.push(await run());
    } catch (error) {
      failures.push(`${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
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
    `## Sprint Control benchmarks\n\n${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GiB, Node ${machine.node}\n\n${table(sections)}`,
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
