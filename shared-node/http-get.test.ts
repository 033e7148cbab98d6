import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FetchError, requestJson } from './http-get';

let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/ok') return res.writeHead(200).end('{"a":1}');
    if (req.url === '/syncing') return res.writeHead(503).end('{"status":"syncing"}');
    if (req.url === '/text') return res.writeHead(200).end('not json');
    res.writeHead(200).end(JSON.stringify({ pad: 'x'.repeat(10_000) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('requestJson', () => {
  it('parses the body and gives the status, also when it is not 200', async () => {
    await expect(requestJson(`${base}/ok`)).resolves.toEqual({ status: 200, body: { a: 1 } });
    await expect(requestJson(`${base}/syncing`, { agent: false })).resolves.toEqual({
      status: 503,
      body: { status: 'syncing' },
    });
  });

  it('rejects a body that is not JSON with a FetchError naming the URL', async () => {
    const error = await requestJson(`${base}/text`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FetchError);
    expect((error as FetchError).message).toContain('/text');
    expect((error as FetchError).status).toBe(200);
  });

  it('refuses a body over maxBytes', async () => {
    await expect(requestJson(`${base}/big`, { maxBytes: 1000 })).rejects.toThrow(/more than 1000 bytes/);
  });
});
