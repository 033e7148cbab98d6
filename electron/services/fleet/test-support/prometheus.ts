import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../supervisor/ports';

/** Debian's Prometheus server (`apt-get install prometheus`); PROMETHEUS overrides the path. */
export const PROMETHEUS = process.env.PROMETHEUS ?? '/usr/bin/prometheus';

export interface PrometheusServer {
  readonly url: string;
  readonly child: ChildProcess;
  readonly log: string[];
  /** An instant query, answered as [labels, value] pairs; throws on a PromQL error. */
  query(expr: string, atMs?: number): Promise<Array<{ labels: Record<string, string>; value: number }>>;
  stop(): Promise<void>;
}

/**
 * A real Prometheus on a loopback port with a temporary configuration and data folder, scraping
 * `targets` (health ports) every second. Stopped (and its folder removed) by stop().
 */
export async function startPrometheus(options: {
  targets: readonly string[];
  ruleFiles?: readonly string[];
  scrapeSeconds?: number;
}): Promise<PrometheusServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sprint-prometheus-'));
  const interval = `${options.scrapeSeconds ?? 1}s`;
  const config = {
    global: { scrape_interval: interval, evaluation_interval: interval, scrape_timeout: interval },
    rule_files: options.ruleFiles ?? [],
    scrape_configs: [{ job_name: 'sprint-relay', static_configs: [{ targets: options.targets }] }],
  };
  // JSON is YAML: no YAML writer needed.
  writeFileSync(path.join(dir, 'prometheus.yml'), JSON.stringify(config, null, 2));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    PROMETHEUS,
    [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const log: string[] = [];
  child.stderr?.on('data', (d: Buffer) => log.push(d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const query: PrometheusServer['query'] = async (expr, atMs) => {
    const params = new URLSearchParams({ query: expr });
    if (atMs !== undefined) params.set('time', (atMs / 1000).toFixed(3));
    const res = await fetch(`${url}/api/v1/query?${params}`);
    const body = (await res.json()) as {
      status: string;
      error?: string;
      data?: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
    };
    if (body.status !== 'success') throw new Error(`PromQL error for ${expr}: ${body.error}`);
    return (body.data?.result ?? []).map((r) => ({ labels: r.metric, value: Number(r.value[1]) }));
  };
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited: ${log.join('')}`);
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus not ready within 20 s: ${log.join('')}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, child, log, query, stop };
}
