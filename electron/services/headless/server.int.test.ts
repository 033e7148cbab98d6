import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createAppServices, type AppServices } from '../app-services';
import { relayResources } from '../supervisor/relay-service';
import { startHeadlessServer, type HeadlessServer } from './server';

let services: AppServices;
let server: HeadlessServer;

beforeAll(async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'sprint-headless-'));
  const rendererDir = path.join(root, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>panel</title>');
  writeFileSync(path.join(root, 'secret.txt'), 'outside the renderer');
  services = createAppServices({
    dataDir: path.join(root, 'data'),
    resources: relayResources('/nonexistent'),
  });
  mkdirSync(path.join(root, 'reports'));
  writeFileSync(path.join(root, 'reports', 'sprint-report_free.csv'), 'timestamp,latency_ms,ok,tier\n');
  server = await startHeadlessServer({
    dispatch: services.dispatch,
    events: services.events,
    rendererDir,
    downloadsDir: path.join(root, 'reports'),
  });
});

afterAll(async () => {
  await server.close();
  await services.dispose();
});

const base = () => `http://127.0.0.1:${server.port}`;

function openSocket(options: { token?: string | null; origin?: string } = {}): Promise<WebSocket> {
  const token = options.token === undefined ? server.token : options.token;
  const url = `ws://127.0.0.1:${server.port}/api/ws${token ? `?token=${token}` : ''}`;
  const ws = new WebSocket(url, options.origin ? { origin: options.origin } : {});
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
    ws.once('error', reject);
  });
}

/** Sends raw text and resolves the next answer (not an event). */
function exchange(ws: WebSocket, text: string): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const message = JSON.parse(data.toString()) as Record<string, unknown>;
      if ('event' in message) return;
      ws.off('message', onMessage);
      resolve(message);
    };
    ws.on('message', onMessage);
    ws.send(text);
  });
}

describe('headless mode over HTTP', () => {
  it('binds 127.0.0.1 and prints a URL carrying the token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.token.length).toBeGreaterThanOrEqual(40);
  });

  it('answers 401 without the token and with a wrong one', async () => {
    expect((await fetch(`${base()}/`)).status).toBe(401);
    expect((await fetch(`${base()}/?token=nope`)).status).toBe(401);
    expect((await fetch(`${base()}/`, { headers: { cookie: 'sprint_token=nope' } })).status).toBe(401);
  });

  it('serves the page with the token, sets an HttpOnly cookie that then suffices, and sends a CSP', async () => {
    const first = await fetch(`${base()}/?token=${server.token}`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-security-policy')).toContain("script-src 'self'");
    const cookie = first.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const second = await fetch(`${base()}/index.html`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(second.status).toBe(200);
    expect(await second.text()).toContain('<title>panel</title>');
  });

  it('offers exported reports as downloads, behind the token like everything else', async () => {
    const url = `${base()}/reports/sprint-report_free.csv`;
    expect((await fetch(url)).status).toBe(401);
    const response = await fetch(`${url}?token=${server.token}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="sprint-report_free.csv"');
    // The format table's type (shared/report.ts), not the static files' fallback.
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(await response.text()).toBe('timestamp,latency_ms,ok,tier\n');
    expect((await fetch(`${base()}/reports/..%2Frenderer%2Findex.html?token=${server.token}`)).status).toBe(
      404,
    );
  });

  it('never serves a file outside the renderer folder', async () => {
    const response = await fetch(`${base()}/..%2Fsecret.txt?token=${server.token}`);
    expect(response.status).toBe(404);
  });
});

describe('headless mode over WebSocket', () => {
  it('refuses an upgrade without the token (401) and from a foreign Origin (403)', async () => {
    await expect(openSocket({ token: null })).rejects.toThrow('HTTP 401');
    await expect(openSocket({ origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    const own = await openSocket({ origin: `http://localhost:${server.port}` });
    own.close();
  });

  it('answers a request with its id and a validated result', async () => {
    const ws = await openSocket();
    const answer = await exchange(ws, JSON.stringify({ id: 1, method: 'relay.status', params: {} }));
    expect(answer).toMatchObject({ id: 1, result: { state: 'stopped', tier: 'free' } });
    ws.close();
  });

  it('answers every kind of bad message with a typed error and keeps serving', async () => {
    const ws = await openSocket();
    const cases: Array<[string, string]> = [
      ['{not json', 'BAD_MESSAGE'],
      ['{"id":2}', 'BAD_MESSAGE'],
      ['{"id":3,"method":"relay.explode"}', 'UNKNOWN_METHOD'],
      ['{"id":4,"method":"tier.set","params":{"tier":"gold"}}', 'INVALID_PARAMS'],
      ['{"id":5,"method":"settings.set","params":{"probe":{"rateHz":-1}}}', 'SETTINGS_INVALID'],
      ['{"id":6,"method":"relay.start"}', 'RELAY_BINARY_MISSING'],
    ];
    for (const [text, code] of cases) {
      const answer = await exchange(ws, text);
      expect(answer.error, text).toMatchObject({ code });
      expect(typeof (answer.error as { message: string }).message).toBe('string');
    }
    const after = await exchange(ws, JSON.stringify({ id: 7, method: 'tier.get' }));
    expect(after).toEqual({ id: 7, result: { tier: 'free' } });
    ws.close();
  });

  it('pushes relay.state events to every connected client', async () => {
    const [a, b] = await Promise.all([openSocket(), openSocket()]);
    const nextEvent = (ws: WebSocket) =>
      new Promise<Record<string, unknown>>((resolve) =>
        ws.on('message', (data) => {
          const message = JSON.parse(data.toString()) as Record<string, unknown>;
          if (message.event === 'relay.state') resolve(message);
        }),
      );
    const events = Promise.all([nextEvent(a), nextEvent(b)]);
    await exchange(a, JSON.stringify({ id: 1, method: 'tier.set', params: { tier: 'pro' } }));
    for (const event of await events)
      expect(event).toMatchObject({ payload: { tier: 'pro', state: 'stopped' } });
    a.close();
    b.close();
  });
});
