import http from 'node:http';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createAppServices, type AppServices } from '../app-services';
import { relayResources } from '../supervisor/relay-service';
import { startHeadlessServer, type HeadlessServer } from './server';

let services: AppServices;
let rendererDir: string;
const servers: HeadlessServer[] = [];

beforeAll(() => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'sprint-guard-'));
  rendererDir = path.join(root, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>panel</title>');
  services = createAppServices({
    dataDir: path.join(root, 'data'),
    resources: relayResources('/nonexistent'),
  });
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await services.dispose();
});

async function start(options: Partial<Parameters<typeof startHeadlessServer>[0]> = {}) {
  const server = await startHeadlessServer({
    dispatch: services.dispatch,
    events: services.events,
    rendererDir,
    ...options,
  });
  servers.push(server);
  return server;
}

/** A GET to 127.0.0.1 with any Host header (fetch will not send a foreign one). */
function get(port: number, pathAndQuery: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; ms: number }>((resolve, reject) => {
    const began = performance.now();
    http
      .get({ host: '127.0.0.1', port, path: pathAndQuery, headers, agent: false }, (response) => {
        response.resume();
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            ms: performance.now() - began,
          }),
        );
      })
      .on('error', reject);
  });
}

function upgrade(port: number, token: string, headers: Record<string, string>): Promise<string> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/ws?token=${token}`, { headers });
  return new Promise((resolve) => {
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('unexpected-response', (_request, response) => resolve(`HTTP ${response.statusCode}`));
    ws.once('error', (error) => resolve(error.message));
  });
}

describe('the token', () => {
  it.each([
    ['', /at least 22 characters/],
    ['a', /at least 22 characters/],
    ['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', /too few characters/],
    ['has spaces in it and is long enough', /letters, digits/],
  ])('%j is refused with a reason', async (token, reason) => {
    await expect(start({ token })).rejects.toThrow(reason);
  });

  it('a 128-bit token is accepted', async () => {
    const server = await start({ token: '0123456789abcdef0123456789abcdef' });
    expect(
      (await get(server.port, `/?token=${server.token}`, { host: `127.0.0.1:${server.port}` })).status,
    ).toBe(200);
  });
});

describe('wrong tokens are throttled per address', () => {
  it('holds back 401s with a growing delay, answers parallel guesses 429, never delays the right token', async () => {
    const server = await start({
      throttle: {
        freeFailures: 3,
        initialDelayMs: 100,
        maxDelayMs: 400,
        maxPending: 2,
        forgetAfterMs: 60_000,
        maxAddresses: 100,
      },
    });
    const host = { host: `127.0.0.1:${server.port}` };
    const sequential: number[] = [];
    for (let guess = 0; guess < 6; guess++) {
      const answer = await get(server.port, `/?token=guess${guess}`, host);
      expect(answer.status).toBe(401);
      sequential.push(answer.ms);
    }
    // Three free, then about 100, 200, 400 ms.
    expect(sequential.slice(0, 3).every((ms) => ms < 90)).toBe(true);
    expect(sequential[3]).toBeGreaterThanOrEqual(95);
    expect(sequential[5]).toBeGreaterThanOrEqual(390);
    // Guessing in parallel: two are held back, the rest are refused unchecked.
    const parallel = await Promise.all(
      Array.from({ length: 10 }, (_, guess) => get(server.port, `/?token=parallel${guess}`, host)),
    );
    const statuses = parallel.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(2);
    expect(statuses.filter((status) => status === 429)).toHaveLength(8);
    expect(parallel.find((answer) => answer.status === 429)?.headers['retry-after']).toMatch(/^\d+$/);
    // Wrong WebSocket tokens count the same way.
    expect(await upgrade(server.port, 'wrong', {})).toMatch(/HTTP 401|HTTP 429/);
    // The user with the right token is served at once.
    const right = await get(server.port, `/?token=${server.token}`, host);
    expect(right.status).toBe(200);
    expect(right.ms).toBeLessThan(300);
  });

  it('8 parallel guessers never keep the right token out, over HTTP or WebSocket', async () => {
    // The default throttle, as a real panel runs it.
    const server = await start();
    const host = { host: `127.0.0.1:${server.port}` };
    let guessing = true;
    const guesses: number[] = [];
    const guessers = Array.from({ length: 8 }, async (_, client) => {
      for (let n = 0; guessing; n++) {
        const answer = await get(server.port, `/?token=wrong-${client}-${n}-0123456789abcdef`, host);
        guesses.push(answer.status);
      }
    });
    // Let the guessers get well into the throttle first (past the free failures, answers held back).
    while (guesses.filter((status) => status === 429).length < 8)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const rightHttp: number[] = [];
    const rightWs: string[] = [];
    for (let attempt = 0; attempt < 32; attempt++) {
      const [answer, socket] = await Promise.all([
        get(server.port, `/?token=${server.token}`, host),
        upgrade(server.port, server.token, {}),
      ]);
      rightHttp.push(answer.status);
      rightWs.push(socket);
      expect(answer.ms).toBeLessThan(1000);
    }
    guessing = false;
    await Promise.all(guessers);
    expect(rightHttp).toEqual(Array.from({ length: 32 }, () => 200));
    expect(rightWs).toEqual(Array.from({ length: 32 }, () => 'open'));
    // The guessers themselves were throttled and never let in.
    expect(guesses.every((status) => status === 401 || status === 429)).toBe(true);
    expect(guesses.filter((status) => status === 429).length).toBeGreaterThan(0);
  }, 30_000);

  it('a request without any token is refused but not counted as a guess', async () => {
    const server = await start({
      throttle: {
        freeFailures: 1,
        // A counted guess would be held 3 s; the margin keeps a loaded 2-core machine from flaking.
        initialDelayMs: 3000,
        maxDelayMs: 3000,
        maxPending: 1,
        forgetAfterMs: 60_000,
        maxAddresses: 100,
      },
    });
    for (let i = 0; i < 5; i++) {
      const answer = await get(server.port, '/', { host: `127.0.0.1:${server.port}` });
      expect(answer.status).toBe(401);
      expect(answer.ms).toBeLessThan(1500);
    }
  });
});

describe('the Host header (DNS rebinding)', () => {
  it('serves only the addresses it is bound to, over HTTP and WebSocket', async () => {
    const server = await start();
    const { port, token } = server;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`])
      expect((await get(port, `/?token=${token}`, { host })).status, host).toBe(200);
    for (const host of [
      `evil.example:${port}`,
      `127.0.0.1:${port + 1}`,
      '127.0.0.1',
      `attacker.localhost:${port}`,
    ])
      expect((await get(port, `/?token=${token}`, { host })).status, host).toBe(421);
    expect(await upgrade(port, token, { host: `rebind.evil.example:${port}` })).toBe('HTTP 421');
    expect(await upgrade(port, token, { host: `127.0.0.1:${port}` })).toBe('open');
  });

  it('serves a name the operator allowed (--allow-host), and still no other', async () => {
    const server = await start({ allowedHosts: ['relay-box.example'] });
    const { port, token } = server;
    expect((await get(port, `/?token=${token}`, { host: `relay-box.example:${port}` })).status).toBe(200);
    expect(
      await upgrade(port, token, {
        host: `relay-box.example:${port}`,
        origin: `http://relay-box.example:${port}`,
      }),
    ).toBe('open');
    expect((await get(port, `/?token=${token}`, { host: `other.example:${port}` })).status).toBe(421);
  });

  it('bound to 0.0.0.0: the UI opened at 127.0.0.1 connects (Origin matches its Host); foreign origins do not', async () => {
    const server = await start({ host: '0.0.0.0' });
    const { port, token } = server;
    expect(server.url).toBe(`http://127.0.0.1:${port}/?token=${token}`);
    const page = `http://127.0.0.1:${port}`;
    expect(await upgrade(port, token, { host: `127.0.0.1:${port}`, origin: page })).toBe('open');
    expect(
      await upgrade(port, token, { host: `localhost:${port}`, origin: `http://localhost:${port}` }),
    ).toBe('open');
    expect(await upgrade(port, token, { host: `127.0.0.1:${port}`, origin: 'http://evil.example' })).toBe(
      'HTTP 403',
    );
    expect((await get(port, `/?token=${token}`, { host: `evil.example:${port}` })).status).toBe(421);
  });
});
