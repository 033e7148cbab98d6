import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { promtool } from '../../relay/test-support/promtool';
import { targetBuckets } from '../../shared/fleet-promql';
import { BUILTIN_VARIABLES, GrafanaDashboard, dataPanels, variablesIn } from './grafana-dashboard';

const OPS = path.resolve(import.meta.dirname, '../../ops');
const PROM = path.join(OPS, 'prometheus');
const work = mkdtempSync(path.join(tmpdir(), 'sprint-ops-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('ops/prometheus', () => {
  it('promtool check config passes on the example, rule files included', async () => {
    // The example points at credential files under /etc/prometheus; promtool checks they exist, so
    // check a copy whose paths lead to stand-ins.
    cpSync(path.join(PROM, 'rules'), path.join(work, 'rules'), { recursive: true });
    const config = readFileSync(path.join(PROM, 'prometheus.yml'), 'utf8').replaceAll(
      '/etc/prometheus/',
      `${work}/`,
    );
    expect(config).not.toContain('/etc/prometheus');
    for (const file of ['sprint-relay.token', 'sprint-panel.token', 'sprint-ca.pem']) {
      writeFileSync(path.join(work, file), 'stand-in\n');
    }
    writeFileSync(path.join(work, 'prometheus.yml'), config);
    const result = await promtool(['check', 'config', path.join(work, 'prometheus.yml')]);
    expect(result.output).toContain('SUCCESS: 2 rule files found');
    expect(result.code, result.output).toBe(0);
  });

  it('promtool check rules passes on the recording and alerting rules', async () => {
    const result = await promtool([
      'check',
      'rules',
      path.join(PROM, 'rules/sprint-recording.yml'),
      path.join(PROM, 'rules/sprint-alerts.yml'),
    ]);
    expect(result.code, result.output).toBe(0);
    expect(result.output).not.toMatch(/FAILED|duplicate/i);
  });

  it("judges each tier by the bucket on its target, as shared/tiers.ts and the Fleet view's PromQL do", () => {
    const rules = readFileSync(path.join(PROM, 'rules/sprint-recording.yml'), 'utf8').replace(/\s+/g, ' ');
    for (const { le, tiers } of targetBuckets()) {
      for (const w of ['5m', '30m', '1h', '2h', '6h', '1d', '3d']) {
        expect(rules).toContain(
          `(rate(bitcoin_sprint_relay_latency_seconds_bucket{le="${le}"}[${w}])) and on (job, instance) bitcoin_sprint_tier_info{tier=~"${tiers.join('|')}"}`,
        );
      }
    }
  });

  it('promtool test rules: burn-rate alerts page and ticket as the SRE workbook table says', async () => {
    const result = await promtool(['test', 'rules', path.join(PROM, 'tests/sprint-alerts.test.yml')]);
    expect(result.output).toContain('SUCCESS');
    expect(result.code, result.output).toBe(0);
  });

  it('promtool test rules fails when a tier is measured against the wrong bucket', async () => {
    const broken = path.join(work, 'broken');
    cpSync(PROM, broken, { recursive: true });
    const rules = path.join(broken, 'rules/sprint-recording.yml');
    writeFileSync(rules, readFileSync(rules, 'utf8').replaceAll('le="1"', 'le="0.005"'));
    copyFileSync(
      path.join(PROM, 'tests/sprint-alerts.test.yml'),
      path.join(broken, 'tests/sprint-alerts.test.yml'),
    );
    const result = await promtool(['test', 'rules', path.join(broken, 'tests/sprint-alerts.test.yml')]);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('FAILED');
  });
});

describe('ops/grafana/sprint-fleet.json', () => {
  const dashboard = GrafanaDashboard.parse(
    JSON.parse(readFileSync(path.join(OPS, 'grafana/sprint-fleet.json'), 'utf8')),
  );
  const panels = dataPanels(dashboard);
  const exprs = panels.flatMap((p) => p.targets.map((t) => ({ panel: p.title, expr: t.expr })));

  it('has unique panel ids and refIds, and panels within the 24-column grid', () => {
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of panels) {
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
      const refs = p.targets.map((t) => t.refId);
      expect(new Set(refs).size, p.title).toBe(refs.length);
    }
  });

  it('uses only variables it defines (or Grafana built-ins) in queries and titles', () => {
    const defined = new Set([...dashboard.templating.list.map((v) => v.name), ...BUILTIN_VARIABLES]);
    for (const { panel, expr } of exprs) {
      for (const name of variablesIn(expr)) expect(defined.has(name), `${panel}: $${name}`).toBe(true);
    }
    for (const p of dashboard.panels) {
      for (const name of variablesIn(p.title)) expect(defined.has(name), p.title).toBe(true);
    }
  });

  it('shows what the issue asks for: p50/p99/p99.9 from histograms, compliance by bucket ratio, tip lag, restarts', () => {
    const all = exprs.map((e) => e.expr).join('\n');
    for (const q of ['0.5', '0.99', '0.999']) {
      expect(all).toContain(
        `histogram_quantile(${q}, sum by (job, instance, le) (rate(bitcoin_sprint_relay_latency_seconds_bucket`,
      );
    }
    for (const le of ['0.005', '0.3', '1'])
      expect(all).toContain(
        `bitcoin_sprint_relay_latency_seconds_bucket{job=~"$job",instance="$instance",le="${le}"}`,
      );
    expect(all).toContain('bitcoin_sprint_tip_height');
    expect(all).toContain('changes(process_start_time_seconds');
    expect(panels.map((p) => p.title)).toEqual(
      expect.arrayContaining(['Relays', "Tip lag behind the fleet's best tip"]),
    );
  });
});
