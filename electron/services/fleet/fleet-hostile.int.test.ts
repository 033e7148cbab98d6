import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { MAX_FLEET_ENTRIES, type FleetEntry, type FleetRow } from '../../../shared/fleet';
import { FLEET_LIST_BOUND_MS, FLEET_LIST_DEADLINE_MS, FleetService } from './fleet-service';
import { FLEET_CALL_DEADLINE_MS } from './http-get';
import { FleetStore } from './fleet-store';
import { REMOTE_MAX_MESSAGE_BYTES, type RemotePanel } from './remote-panel';
import { exportRemoteReport, ownOriginUrl } from './remote-report';
import { ApiError } from '../../../shared/api';
import { MAX_PROMETHEUS_RELAYS } from './prometheus-source';
import { MAX_BUCKETS } from './values';
import { readingFromMetrics } from './relay-reading';
import { parsePromText } from './prom-text';
import { PLAIN_FILE_CODEC, SecretStore } from './secret-store';

/**
 * Hostile remotes of our own, each on a loopback port: relays whose /metrics carry absurd values, a
 * relay that drips, panels that never answer or answer too much, a Prometheus with absurd figures.
 * Each must cost only its own row; the good relay beside them stays intact and the list answers
 * within its stated bound.
 */

const dir = mkdtempSync(path.join(tmpdir(), 'sprint-fleet-hostile-'));
const servers: Array<{ close(): void }> = [];
const services: FleetService[] = [];
afterAll(() => {
  services.forEach((s) => s.stop());
  servers.forEach((s) => s.close());
});

function metricsText(o: { target?: string; objective?: string; tip?: string; counts?: string[] } = {}) {
  const counts = o.counts ?? ['3', '5', '6'];
  return [
    'bitcoin_sprint_tier_info{tier="pro",level="2"} 1',
    'bitcoin_sprint_build_info{version="1.0.0",network="regtest"} 1',
    `bitcoin_sprint_sla_target_seconds ${o.target ?? '0.005'}`,
    `bitcoin_sprint_sla_objective_ratio ${o.objective ?? '0.999'}`,
    `bitcoin_sprint_tip_height ${o.tip ?? '100'}`,
    `bitcoin_sprint_relay_latency_seconds_bucket{le="0.001"} ${counts[0]}`,
    `bitcoin_sprint_relay_latency_seconds_bucket{le="0.005"} ${counts[1]}`,
    `bitcoin_sprint_relay_latency_seconds_bucket{le="+Inf"} ${counts[2]}`,
    '',
  ].join('\n');
}

async function listen(handler: http.RequestListener): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer(handler);
  servers.push({ close: () => server.close() });
  servers.push({ close: () => server.closeAllConnections() });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** A relay health port: /metrics as given, /health ok. */
const relay = (text: string) =>
  listen((req, res) => res.end(req.url === '/metrics' ? text : '{"status":"ok"}'));

let entryCount = 0;
function fleetOf(entries: Array<Omit<FleetEntry, 'id' | 'addedAt' | 'label'> & { label?: string }>) {
  const store = new FleetStore(path.join(dir, `fleet-${entryCount}.json`));
  const secrets = new SecretStore(path.join(dir, `secrets-${entryCount}.json`), PLAIN_FILE_CODEC);
  const ids: string[] = [];
  for (const e of entries) {
    const id = `e${entryCount++}`;
    ids.push(id);
    store.add({ id, kind: e.kind, url: e.url, label: e.label ?? id, addedAt: Date.now() });
    if (e.kind === 'panel') secrets.set(id, 'token-for-the-remote-0123456789');
  }
  const service = new FleetService({
    store,
    secrets,
    local: { status: () => ({ tier: 'free', state: 'stopped' }) as never, endpoint: () => null },
    pollMs: 1000,
  });
  services.push(service);
  return { service, ids };
}

const rowOf = (rows: readonly FleetRow[], id: string) => rows.find((r) => r.id === id)!;

describe('a relay /metrics with absurd values fails only its own row', () => {
  it.each([
    [{ target: '+Inf' }, 'metrics: target is +Inf'],
    [{ target: 'NaN' }, 'metrics: target is NaN'],
    [{ objective: 'NaN' }, 'metrics: objective is NaN'],
    [{ objective: '5' }, 'metrics: objective is 5'],
    [{ tip: '1e300' }, 'metrics: tip is 1e+300'],
    [{ tip: '-4' }, 'metrics: tip is -4'],
    [{ counts: ['-3', '5', '6'] }, 'metrics: latency bucket le=0.001 count is -3'],
    [{ counts: ['3', '5', 'NaN'] }, 'metrics: latency bucket le=+Inf count is NaN'],
    [{ counts: ['9', '5', '6'] }, "metrics: latency bucket le=0.005 count 5 is below a smaller bucket's"],
  ])('%j → "%s", the good relay beside it intact', async (values, message) => {
    const bad = await relay(metricsText(values));
    const good = await relay(metricsText());
    const { service, ids } = fleetOf([
      { kind: 'relay', url: bad.url },
      { kind: 'relay', url: good.url },
    ]);
    const snapshot = await service.list('5m');
    expect(rowOf(snapshot.rows, ids[0]!)).toMatchObject({ state: 'invalid', error: message, tip: null });
    expect(rowOf(snapshot.rows, ids[1]!)).toMatchObject({ state: 'live', tip: 100, error: null });
    expect(rowOf(snapshot.rows, 'local')).toBeDefined();
  });
});

describe('every remote call has a deadline: fleet.list answers within its bound', () => {
  it('with a dripping /metrics, a panel that never answers HTTP, and a panel whose socket never replies', async () => {
    // Drips one byte every 300 ms: a socket idle timeout alone would never fire.
    const drip = await listen((_req, res) => {
      res.writeHead(200);
      const timer = setInterval(() => res.write('#'), 300);
      res.on('close', () => clearInterval(timer));
    });
    // Accepts the connection and never says a word.
    const silent = await listen(() => undefined);
    // Upgrades every socket and never answers a call.
    const mute = await listen((_req, res) => res.end('ok'));
    const wss = new WebSocketServer({ server: mute.server });
    servers.push({ close: () => wss.close() });
    const good = await relay(metricsText());
    const { service, ids } = fleetOf([
      { kind: 'relay', url: drip.url },
      { kind: 'panel', url: silent.url },
      { kind: 'panel', url: mute.url },
      { kind: 'relay', url: good.url },
    ]);
    for (let round = 0; round < 2; round++) {
      const began = performance.now();
      const snapshot = await service.list('5m');
      const ms = performance.now() - began;
      expect(ms).toBeLessThan(FLEET_LIST_BOUND_MS);
      expect(rowOf(snapshot.rows, ids[0]!)).toMatchObject({ state: 'unreachable' });
      // Still dripping at the listing's deadline, or given up at the call's own: either says so.
      expect(rowOf(snapshot.rows, ids[0]!).error).toMatch(/no (complete )?answer within \d/);
      expect(rowOf(snapshot.rows, ids[1]!).state).toBe('unreachable');
      expect(rowOf(snapshot.rows, ids[2]!).state).toBe('unreachable');
      expect(rowOf(snapshot.rows, ids[2]!).error).toMatch(/within \d/);
      expect(rowOf(snapshot.rows, ids[3]!)).toMatchObject({ state: 'live', tip: 100 });
    }
    // A command to the mute panel is given up too, with a reason.
    const began = performance.now();
    await expect(service.panel(ids[2]!).call('tier.get', {}, undefined, 1000, 1500)).rejects.toThrow(
      /did not answer within 1500 ms/,
    );
    expect(performance.now() - began).toBeLessThan(2500);
  }, 30_000);

  it('a panel sending a message over the cap loses its socket, not the panel its memory', async () => {
    const big = await listen((_req, res) => res.end('ok'));
    const wss = new WebSocketServer({ server: big.server });
    servers.push({ close: () => wss.close() });
    let sent = 0;
    wss.on('connection', (ws) =>
      ws.on('message', (data) => {
        const { id } = JSON.parse(String(data)) as { id: number };
        sent++;
        ws.send(JSON.stringify({ id, result: { padding: 'x'.repeat(REMOTE_MAX_MESSAGE_BYTES + 1) } }));
      }),
    );
    const good = await relay(metricsText());
    const { service, ids } = fleetOf([
      { kind: 'panel', url: big.url },
      { kind: 'relay', url: good.url },
    ]);
    const snapshot = await service.list('5m');
    expect(sent).toBeGreaterThan(0);
    expect(rowOf(snapshot.rows, ids[0]!).state).toBe('unreachable');
    expect(rowOf(snapshot.rows, ids[1]!)).toMatchObject({ state: 'live', tip: 100 });
  }, 20_000);
});

describe("fleet.list keeps its own deadline, apart from each remote call's", () => {
  it(`${MAX_FLEET_ENTRIES} entries hanging, dripping or heavy: every listing within ${FLEET_LIST_BOUND_MS} ms, rows still waiting say so`, async () => {
    expect(FLEET_LIST_DEADLINE_MS).toBeLessThan(FLEET_CALL_DEADLINE_MS);
    const drip = () =>
      listen((_req, res) => {
        res.writeHead(200);
        const timer = setInterval(() => res.write('#'), 200);
        res.on('close', () => clearInterval(timer));
      });
    // ~1.9 MB of buckets, answered at once: parsing these keeps the event loop busy while we wait.
    const heavyText = [
      ...metricsText()
        .split('\n')
        .filter((line) => !line.includes('_bucket')),
      ...Array.from(
        { length: 30_000 },
        (_, i) => `bitcoin_sprint_relay_latency_seconds_bucket{le="${((i + 1) / 1e6).toFixed(6)}"} ${i + 1}`,
      ),
      'bitcoin_sprint_relay_latency_seconds_bucket{le="+Inf"} 30000',
      '',
    ].join('\n');
    const heavy = () => relay(heavyText);
    // Answers after the listing's deadline but before the call's: its figures reach the next listing.
    const between = await listen((req, res) => {
      const timer = setTimeout(
        () => res.end(req.url === '/metrics' ? metricsText({ tip: '321' }) : '{"status":"ok"}'),
        FLEET_LIST_DEADLINE_MS + 250,
      );
      res.on('close', () => clearTimeout(timer));
    });
    const silent = () => listen(() => undefined);
    const mute = async () => {
      const l = await listen((_req, res) => res.end('ok'));
      const wss = new WebSocketServer({ server: l.server });
      servers.push({ close: () => wss.close() });
      return l;
    };
    const good = await relay(metricsText());
    const entries: Array<{ kind: FleetEntry['kind']; url: string; heavy?: boolean }> = [
      { kind: 'relay', url: good.url },
      { kind: 'relay', url: between.url },
      { kind: 'prometheus', url: (await drip()).url },
    ];
    for (let i = 0; entries.length < MAX_FLEET_ENTRIES; i++) {
      const kind = i % 4;
      if (kind === 0) entries.push({ kind: 'relay', url: (await drip()).url });
      else if (kind === 1) entries.push({ kind: 'relay', url: (await heavy()).url, heavy: true });
      else if (kind === 2) entries.push({ kind: 'panel', url: (await silent()).url });
      else entries.push({ kind: 'panel', url: (await mute()).url });
    }
    const { service, ids } = fleetOf(entries);
    const kindOf = new Map(entries.map((e, i) => [ids[i]!, { ...e, index: i }]));
    const late = `no answer within ${FLEET_LIST_DEADLINE_MS / 1000} s`;

    const rounds: number[] = [];
    for (let round = 0; round < 3; round++) {
      const began = performance.now();
      const snapshot = await service.list('5m');
      rounds.push(performance.now() - began);
      // Every entry has its row, whatever its remote did.
      expect(snapshot.rows.filter((r) => r.source !== 'local')).toHaveLength(MAX_FLEET_ENTRIES - 1);
      expect(rowOf(snapshot.rows, ids[0]!)).toMatchObject({ state: 'live', tip: 100 });
      for (const [id, e] of kindOf) {
        if (e.kind === 'prometheus' || e.index < 2) continue;
        const row = rowOf(snapshot.rows, id);
        if (e.heavy) {
          // Parsed in time it is live; on a machine too busy to parse it by the deadline it is late,
          // and says so. Never anything else, and never the listing's time.
          if (row.state !== 'live') expect(row.error, e.url).toMatch(/no (complete )?answer within/);
          continue;
        }
        expect(row.state, e.url).toBe('unreachable');
        // Waiting at the listing's deadline, or given up at the call's own: named either way.
        expect(row.error, e.url).toMatch(/no (complete )?answer within|did not answer within|timed out/);
      }
      if (round === 0) {
        expect(rowOf(snapshot.rows, ids[1]!)).toMatchObject({ state: 'unreachable', error: late });
        expect(snapshot.prometheus).toMatchObject({
          ok: false,
          error: `Prometheus at ${entries[2]!.url}: ${late}`,
        });
        // The call behind the listing runs on to its own deadline and lands for the next one.
        await new Promise((resolve) =>
          setTimeout(resolve, FLEET_CALL_DEADLINE_MS - FLEET_LIST_DEADLINE_MS + 300),
        );
      } else {
        expect(rowOf(snapshot.rows, ids[1]!).tip).toBe(321);
      }
    }
    expect(Math.max(...rounds), rounds.map(Math.round).join(', ')).toBeLessThan(FLEET_LIST_BOUND_MS);
    // It answered at its own deadline, not at the remotes' (3 s): the two budgets are separate.
    expect(rounds[0]).toBeLessThan(FLEET_CALL_DEADLINE_MS);
  }, 40_000);
});

describe('a relay stops answering', () => {
  it('its row is never live after two scrape intervals', async () => {
    const good = await relay(metricsText());
    const { service, ids } = fleetOf([{ kind: 'relay', url: good.url }]);
    expect(rowOf((await service.list('5m')).rows, ids[0]!).state).toBe('live');
    good.server.closeAllConnections();
    good.server.close();
    // pollMs is 1000: after 2 s without a good scrape the row must say so.
    await new Promise((resolve) => setTimeout(resolve, 2200));
    const row = rowOf((await service.list('5m')).rows, ids[0]!);
    expect(row.state).toBe('unreachable');
    expect(row.error).toMatch(/no answer for \d+ s: .*connection refused/);
    expect(row.lastSeenAt).toBeGreaterThan(0);
  }, 15_000);
});

describe('memory is bounded by entries, not by what a remote exports', () => {
  it(`a relay exporting 20,000 buckets is kept as ${MAX_BUCKETS}; one over the byte cap is refused`, async () => {
    const lines = ['bitcoin_sprint_sla_target_seconds 0.005'];
    for (let i = 1; i <= 20_000; i++)
      lines.push(`bitcoin_sprint_relay_latency_seconds_bucket{le="${(i / 1e6).toFixed(6)}"} ${i}`);
    lines.push('bitcoin_sprint_relay_latency_seconds_bucket{le="+Inf"} 20000');
    const reading = readingFromMetrics(parsePromText(lines.join('\n')), Date.now(), 'live');
    expect(reading.buckets).toHaveLength(MAX_BUCKETS);
    // Exact at the target bound and in total: dropping bounds merged, never invented, observations.
    expect(reading.buckets.find((b) => b.le === 0.005)?.count).toBe(5000);
    expect(reading.buckets.at(-1)).toEqual({ le: Infinity, count: 20_000 });

    const huge = ['bitcoin_sprint_sla_target_seconds 0.005'];
    for (let i = 1; i <= 40_000; i++)
      huge.push(`bitcoin_sprint_relay_latency_seconds_bucket{le="${(i / 1e6).toFixed(6)}"} ${i}`);
    const big = await relay(huge.join('\n'));
    const good = await relay(metricsText());
    const { service, ids } = fleetOf([
      { kind: 'relay', url: big.url },
      { kind: 'relay', url: good.url },
    ]);
    const snapshot = await service.list('5m');
    expect(rowOf(snapshot.rows, ids[0]!).error).toMatch(/answered more than \d+ bytes/);
    expect(rowOf(snapshot.rows, ids[1]!)).toMatchObject({ state: 'live', tip: 100 });
  });
});

describe('a Prometheus with absurd answers', () => {
  /** Answers every query from `figures` (by query name) for the given instances. */
  async function prometheus(instances: number, absurd: Record<string, Record<string, string>>) {
    return listen((req, res) => {
      const query = new URL(req.url ?? '/', 'http://x').searchParams.get('query') ?? '';
      const figure = query.startsWith('max by')
        ? 'known'
        : query.includes('histogram_quantile(0.5')
          ? 'p50'
          : query.includes('histogram_quantile(0.999')
            ? 'p999'
            : query.includes(') / on (job, instance)')
              ? 'compliance'
              : query.startsWith(
                    'sum by (job, instance) (increase(bitcoin_sprint_relay_latency_seconds_count',
                  )
                ? 'samples'
                : query;
      const normal: Record<string, string> = {
        known: '1',
        p50: '0.001',
        p999: '0.004',
        compliance: '0.99',
        samples: '100',
        bitcoin_sprint_tip_height: '100',
        up: '1',
      };
      const result = Array.from({ length: instances }, (_, i) => {
        const instance = `10.0.0.${i}:9000`;
        const value = absurd[instance]?.[figure] ?? normal[figure];
        return value === undefined
          ? null
          : { metric: { instance, job: 'relays', tier: 'pro' }, value: [Date.now() / 1000, value] };
      }).filter((r) => r !== null);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }));
    });
  }

  it('compliance 5 and samples −3 fail their own rows; the others keep their figures', async () => {
    const prom = await prometheus(3, {
      '10.0.0.0:9000': { compliance: '5' },
      '10.0.0.1:9000': { samples: '-3' },
    });
    const { service } = fleetOf([{ kind: 'prometheus', url: prom.url }]);
    const snapshot = await service.list('5m');
    expect(snapshot.prometheus).toMatchObject({ ok: true });
    expect(rowOf(snapshot.rows, 'prom:10.0.0.0:9000').error).toBe('prometheus: compliance is 5');
    expect(rowOf(snapshot.rows, 'prom:10.0.0.1:9000').error).toBe('prometheus: samples is -3');
    expect(rowOf(snapshot.rows, 'prom:10.0.0.2:9000')).toMatchObject({
      error: null,
      compliance: 0.99,
      samples: 100,
      tip: 100,
    });
  });

  it(`one listing 5,000 relays is shown as its first ${MAX_PROMETHEUS_RELAYS}, saying so`, async () => {
    const prom = await prometheus(5000, {});
    const { service } = fleetOf([{ kind: 'prometheus', url: prom.url }]);
    const snapshot = await service.list('5m');
    expect(snapshot.rows.filter((r) => r.source === 'prometheus')).toHaveLength(MAX_PROMETHEUS_RELAYS);
    expect(snapshot.prometheus?.error).toBe(
      `Prometheus knows 5000 relays; the first ${MAX_PROMETHEUS_RELAYS} are shown.`,
    );
  });
});

describe('the same relay is not added twice', () => {
  it("under another spelling of its URL, or when it is this panel's own relay", async () => {
    const good = await relay(metricsText());
    const own = await relay(metricsText());
    const store = new FleetStore(path.join(dir, 'dup.json'));
    const service = new FleetService({
      store,
      secrets: new SecretStore(path.join(dir, 'dup-secrets.json'), PLAIN_FILE_CODEC),
      local: {
        status: () => ({ tier: 'free', state: 'running' }) as never,
        endpoint: () => ({ healthUrl: own.url }),
      },
    });
    services.push(service);
    await service.add({ kind: 'relay', url: good.url, label: 'first' });
    const again = good.url.replace('127.0.0.1', 'localhost') + '/';
    await expect(service.add({ kind: 'relay', url: again, label: 'second' })).rejects.toThrow(
      /already in the fleet as "first"/,
    );
    await expect(service.add({ kind: 'relay', url: own.url, label: 'mine' })).rejects.toThrow(
      /this panel's own relay, already shown as "This panel"/,
    );
    expect(store.list()).toHaveLength(1);
  });
});

describe('a remote panel offering its report at a foreign address', () => {
  it('is refused with a reason, and the token never reaches the other address', async () => {
    const caught: string[] = [];
    const catcher = await listen((req, res) => {
      caught.push(req.headers.authorization ?? '(none)');
      res.end('report');
    });
    const panelUrl = 'http://127.0.0.1:9';
    // The remote's answer as a hostile panel would give it: the rest of the path is this panel's own.
    const hostile = {
      url: panelUrl,
      call: async () => ({
        report: { fileName: 'r.csv', path: '/x/r.csv', bytes: 6 },
        delivery: { kind: 'download' as const, url: `${catcher.url}/reports/r.csv` },
      }),
    } as unknown as RemotePanel;
    const error = await exportRemoteReport(
      hostile,
      'secret-token',
      {} as never,
      new AbortController().signal,
      {
        dir,
        deliver: async () => ({ kind: 'not-saved' }),
        prune: async () => undefined,
      },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).message).toBe(
      `Refused the report from the panel at ${panelUrl}: it offered the download at ${catcher.url}, not its own address, and its token is sent only to it.`,
    );
    expect(caught).toEqual([]);
    // A relative URL, or one on the panel's own origin, is taken.
    expect(ownOriginUrl(panelUrl, '/reports/r.csv')).toBe(`${panelUrl}/reports/r.csv`);
    expect(ownOriginUrl(panelUrl, `${panelUrl}/reports/r.csv`)).toBe(`${panelUrl}/reports/r.csv`);
    expect(() => ownOriginUrl(panelUrl, '//evil.example/r.csv')).toThrow(/evil\.example/);
  });
});
