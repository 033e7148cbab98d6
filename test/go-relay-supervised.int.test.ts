import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callPanel, removeDataDir, startHeadlessPanel, type HeadlessPanel } from '../e2e/support/headless';
import type { TierSwitch } from '../shared/api';
import type { LogLine } from '../shared/logs';
import { BlockAnnouncement, RelayHealth } from '../shared/relay-contract';
import type { RelayStatus } from '../shared/relay-status';
import { getJson, openWebSocket, request } from '../relay/test-support/clients';
import { goRelayBinary, SKIP_WITHOUT_GO } from './support/go-relay';

// The panel (headless mode, the same services as the app) supervising the built Go binary through
// the external-binary setting, with the embedded demo peer upstream: the contract on a non-Node runtime.
const USER_KEY = 'go-relay-user-key-0123456789';

function environOf(pid: number): Record<string, string> {
  const entries = readFileSync(`/proc/${pid}/environ`, 'utf8')
    .split('\0')
    .filter(Boolean)
    .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]);
  return Object.fromEntries(entries);
}

describe.skipIf(SKIP_WITHOUT_GO)('the panel supervising the Go relay', () => {
  let panel: HeadlessPanel;
  const call = <T>(method: string, params: unknown = {}) => callPanel(panel, method, params) as Promise<T>;
  const health = async (status: RelayStatus) =>
    RelayHealth.parse((await getJson(`http://127.0.0.1:${status.ports!.health}/health`)).json);

  beforeAll(async () => {
    const binary = goRelayBinary();
    panel = await startHeadlessPanel();
    await call('settings.set', {
      tier: 'free',
      apiKey: USER_KEY,
      relay: { source: 'external', externalPath: binary },
      upstream: { mode: 'demo', bitcoinNode: null, network: 'regtest', demoIntervalSeconds: 0.5 },
    });
  }, 180_000);

  afterAll(async () => {
    if (!panel) return;
    await panel.stop();
    removeDataDir(panel.dataDir);
  });

  it('becomes ready, streams a block, and reports the Go runtime on its own /health', async () => {
    const status = await call<RelayStatus>('relay.start');
    expect(status.state, status.message ?? '').toBe('running');
    expect(status.launch?.argv).toContain(goRelayBinary());
    const ws = await openWebSocket<unknown>(`ws://127.0.0.1:${status.ports!.api}/v1/btc/stream`, {
      'X-API-Key': USER_KEY,
    });
    const block = BlockAnnouncement.parse(await ws.messages.find(() => true, 'a streamed block', 10_000));
    ws.close();
    expect(block.height).toBeGreaterThan(0);
    const report = await health(status);
    expect(report.runtime).toMatchObject({ name: 'go', gc_percent: 100 });
    expect(environOf(status.pid!).GOGC).toBeUndefined(); // free: the runtime's default
  });

  it('free → enterprise sets GOGC and GOMAXPROCS per the plan, and the Go runtime reports them', async () => {
    const switched = await call<TierSwitch>('tier.set', { tier: 'enterprise' });
    const status = switched.status;
    expect(status.state, status.message ?? '').toBe('running');
    const items = Object.fromEntries(status.launch!.items.map((item) => [item.name, item]));
    const env = environOf(status.pid!);
    expect(env).toMatchObject({ TIER: 'enterprise', GOGC: 'off', GOMAXPROCS: items.GOMAXPROCS?.requested });
    const report = await health(status);
    expect(report.runtime.gc_percent).toBe(-1);
    expect(report.runtime.gomaxprocs).toBe(Number(env.GOMAXPROCS));
    // What the Optimizations view shows: requested beside what the Go runtime reported.
    expect(items.GOGC).toMatchObject({ requested: 'off', applied: 'off', granted: true });
    expect(items.GOMAXPROCS).toMatchObject({ applied: env.GOMAXPROCS, granted: true });
    expect(items.GC_PERCENT).toMatchObject({ requested: '25', applied: 'off', granted: false });
    expect(items.GC_PERCENT?.reason).toMatch(/GOGC=off from the launcher takes precedence/);
  });

  it("shows its zap-style lines in the Logs view with their levels and the binary's own times", async () => {
    const status = await call<RelayStatus>('relay.status');
    const before = Date.now();
    // A bad key is refused and logged at warn by the relay itself.
    expect((await request(`http://127.0.0.1:${status.ports!.api}/v1/btc/status`)).status).toBe(401);
    let lines: LogLine[] = [];
    await expect
      .poll(
        async () => {
          lines = (await call<{ lines: LogLine[] }>('logs.tail', { limit: 500 })).lines;
          return lines.some((l) => l.message === 'rejected API request');
        },
        { timeout: 5000 },
      )
      .toBe(true);
    const relayLines = lines.filter((l) => l.source === 'relay');
    const warn = relayLines.find((l) => l.message === 'rejected API request');
    expect(warn).toMatchObject({ level: 'warn', stream: 'stderr', fields: { logger: 'relay' } });
    expect(warn?.fields).not.toHaveProperty('ts');
    expect(warn?.at).toBeGreaterThanOrEqual(before - 1000);
    const listening = relayLines.filter((l) => l.message === 'relay listening');
    expect(listening.map((l) => l.fields?.tier)).toEqual(expect.arrayContaining(['free', 'enterprise']));
    expect(listening.every((l) => l.level === 'info')).toBe(true);
  });

  it('stops on SIGTERM cleanly: exit 0', async () => {
    const { pid } = await call<RelayStatus>('relay.status');
    const stopped = await call<RelayStatus>('relay.stop');
    expect(stopped.state).toBe('stopped');
    expect(stopped.lastExit).toMatchObject({ code: 0, signal: null });
    const lines = (await call<{ lines: LogLine[] }>('logs.tail', { limit: 500 })).lines;
    expect(lines.filter((l) => l.source === 'relay').map((l) => l.message)).toContain('stopped');
    expect(() => process.kill(pid!, 0)).toThrow();
  });
});
