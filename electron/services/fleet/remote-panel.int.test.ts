import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/api';
import type { FleetEntry, FleetSnapshot } from '../../../shared/fleet';
import { TIERS } from '../../../shared/tiers';
import { RelayMetrics } from '../../../relay/health/metrics';
import { promtool } from '../../../relay/test-support/promtool';
import { createAppServices, type AppServices } from '../app-services';
import { startHeadlessServer, type HeadlessServer } from '../headless/server';
import { relayResources } from '../supervisor/relay-service';

const signal = new AbortController().signal;
let root: string;
let remote: AppServices;
let remoteServer: HeadlessServer;
let local: AppServices;
const call = <T>(method: string, params: unknown = {}) =>
  local.dispatch(method, params, { signal }) as Promise<T>;

async function until<T>(probe: () => Promise<T | null>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'sprint-remote-'));
  const rendererDir = path.join(root, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>remote</title>');
  remote = createAppServices({
    dataDir: path.join(root, 'remote'),
    resources: relayResources('/nonexistent'),
  });
  remoteServer = await startHeadlessServer({
    dispatch: remote.dispatch,
    events: remote.events,
    rendererDir,
    downloadsDir: remote.reportsDir,
    metrics: () => remote.panelMetrics(),
  });
  local = createAppServices({ dataDir: path.join(root, 'local'), resources: relayResources('/nonexistent') });
});

afterAll(async () => {
  await local?.dispose();
  await remoteServer?.close();
  await remote?.dispose();
  rmSync(root, { recursive: true, force: true });
});

describe('a remote headless panel in the fleet', () => {
  const base = () => `http://127.0.0.1:${remoteServer.port}`;
  let entry: FleetEntry;

  it('refuses a wrong token with a message that says so, and stores nothing', async () => {
    const error = await refusal(
      call('fleet.add', { kind: 'panel', url: base(), token: 'not-the-token-at-all' }),
    );
    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.message).toContain(`The panel at ${base()} refused the token`);
    expect((await call<FleetSnapshot>('fleet.list')).entries).toEqual([]);
  });

  it('says a panel that is not there did not answer', async () => {
    const error = await refusal(
      call('fleet.add', { kind: 'panel', url: 'http://127.0.0.1:9', token: 'x'.repeat(20) }),
    );
    expect(error.code).toBe('UNREACHABLE');
  });

  it('takes the token from the printed URL, keeps it out of fleet.json and settings.json', async () => {
    entry = await call<FleetEntry>('fleet.add', {
      kind: 'panel',
      url: `${base()}/?token=${remoteServer.token}`,
    });
    expect(entry.url).toBe(base());
    const dir = path.join(root, 'local');
    for (const file of ['fleet.json', 'settings.json']) {
      let text = '';
      try {
        text = readFileSync(path.join(dir, file), 'utf8');
      } catch {
        // settings.json is only written once something is saved
      }
      expect(text, file).not.toContain(remoteServer.token);
    }
    expect(readFileSync(path.join(dir, 'fleet-secrets.json'), 'utf8')).toMatch(/NOT ENCRYPTED/);
  });

  it("lists the remote panel's relay as controllable, and switches its tier through its API", async () => {
    const snapshot = await call<FleetSnapshot>('fleet.list');
    const row = snapshot.rows.find((r) => r.id === entry.id);
    expect(row).toMatchObject({
      source: 'panel',
      controllable: true,
      tier: 'free',
      state: 'stopped',
      via: 'remote-panel',
    });
    const result = await call<{ from: string; to: string }>('fleet.remote.setTier', {
      id: entry.id,
      tier: 'turbo',
    });
    expect(result).toMatchObject({ from: 'free', to: 'turbo' });
    expect(remote.settings.get().tier).toBe('turbo');
    expect(local.settings.get().tier).toBe('free');
  });

  it('refuses to drive a bare relay entry (read-only) or an unknown one', async () => {
    const metrics = new RelayMetrics(
      { tier: TIERS.pro, gcPercent: 50, network: 'regtest' },
      {
        streamClients: () => ({ ws: 0, sse: 0 }),
        readyPeers: () => 1,
        tipHeight: () => 7,
        cpuCores: () => 2,
        sync: () => ({ progress: 1, height: 7, targetHeight: 7 }),
      },
    );
    const bare = http.createServer((req, res) => {
      if (req.url === '/metrics') void metrics.registry.metrics().then((t) => res.end(t));
      else res.end('{"status":"ok"}');
    });
    await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(bare.address() as AddressInfo).port}`;
      const relay = await call<FleetEntry>('fleet.add', { kind: 'relay', url, label: 'bare' });
      const row = (await call<FleetSnapshot>('fleet.list')).rows.find((r) => r.id === relay.id);
      expect(row).toMatchObject({ source: 'relay', controllable: false, tier: 'pro', tip: 7, state: 'live' });
      const error = await refusal(call('fleet.remote.setTier', { id: relay.id, tier: 'turbo' }));
      expect(error.code).toBe('UNSUPPORTED');
      expect(error.message).toBe(
        'bare is read-only: only another Sprint Control panel in headless mode can be driven.',
      );
      await call('fleet.remove', { id: relay.id });
    } finally {
      bare.close();
    }
    expect((await refusal(call('fleet.remote.setTier', { id: 'nosuchentry', tier: 'pro' }))).code).toBe(
      'INVALID_PARAMS',
    );
  });

  it("exports the remote panel's report and brings the file here", async () => {
    const to = Date.now();
    const result = await call<{
      report: { fileName: string; path: string; bytes: number };
      delivery: unknown;
    }>('fleet.remote.exportReport', {
      id: entry.id,
      request: { from: to - 3_600_000, to, tier: 'free', format: 'json' },
    });
    expect(result.report.path.startsWith(local.reportsDir)).toBe(true);
    expect(result.report.fileName).toMatch(/^127\.0\.0\.1_\d+-/);
    const bytes = readFileSync(result.report.path);
    expect(bytes.length).toBe(result.report.bytes);
    expect(JSON.parse(bytes.toString('utf8'))).toHaveProperty('summary');
    expect(result.delivery).toEqual({
      kind: 'download',
      url: `/reports/${encodeURIComponent(result.report.fileName)}`,
    });
  });

  it("serves the panel's own metrics on /metrics behind its token, promtool-clean", async () => {
    expect((await fetch(`${base()}/metrics`)).status).toBe(401);
    const res = await fetch(`${base()}/metrics`, {
      headers: { authorization: `Bearer ${remoteServer.token}` },
    });
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toMatch(/^sprint_control_relay_restarts_total 0$/m);
    expect(body).toContain('sprint_control_tier_info{tier="turbo"} 1');
    expect(body).toContain('sprint_control_relay_state{state="stopped"} 1');
    const check = await promtool(['check', 'metrics'], body);
    expect(check.output).toBe('');
    expect(check.code).toBe(0);
  });

  it('shows the row refused, saying why, once the remote panel restarts with a new token', async () => {
    const port = remoteServer.port;
    await remoteServer.close();
    remoteServer = await startHeadlessServer({
      dispatch: remote.dispatch,
      events: remote.events,
      rendererDir: path.join(root, 'renderer'),
      port,
      token: 'a-new-token-after-restart',
    });
    const row = await until(async () => {
      const r = (await call<FleetSnapshot>('fleet.list')).rows.find((x) => x.id === entry.id);
      return r?.state === 'refused' ? r : null;
    });
    expect(row.error).toContain('refused the token (401 Unauthorized)');
    expect(row.controllable).toBe(true);
  });

  it('forgets the token when the entry is removed', async () => {
    const file = path.join(root, 'local', 'fleet-secrets.json');
    expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')).secrets)).toEqual([entry.id]);
    expect(await call('fleet.remove', { id: entry.id })).toEqual({ removed: true });
    expect(JSON.parse(readFileSync(file, 'utf8')).secrets).toEqual({});
  });
});
