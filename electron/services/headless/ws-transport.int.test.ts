import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { type WebSocketServer } from 'ws';
import type { Dispatch } from '../api/dispatcher';
import { EventBus } from '../api/event-bus';
import { connectRaw, parseFrames } from './test-support/raw-ws';
import { attachWebSocketApi, BACKLOG_CLOSE, type ConnectionLimits } from './ws-transport';

const closers: Array<() => void> = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

/** A real HTTP server and WebSocket API whose dispatch the test controls. */
async function serve(dispatch: Dispatch, limits: Partial<ConnectionLimits> = {}) {
  const server = http.createServer();
  const wss: WebSocketServer = attachWebSocketApi(server, {
    path: '/api/ws',
    dispatch,
    events: new EventBus(),
    refuse: async () => null,
    limits,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => {
    for (const client of wss.clients) client.terminate();
    server.closeAllConnections();
    server.close();
  });
  return { port: (server.address() as AddressInfo).port, wss };
}

function client(port: number): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/ws`);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function answers(
  ws: WebSocket,
  count: number,
): Promise<Array<{ id: number; error?: { code: string; message: string } }>> {
  const got: Array<{ id: number; error?: { code: string; message: string } }> = [];
  return new Promise((resolve) => {
    ws.on('message', (data) => {
      got.push(JSON.parse(data.toString()) as (typeof got)[number]);
      if (got.length === count) resolve(got);
    });
  });
}

describe('a client that never reads its answers', () => {
  it('is closed once its outgoing buffer passes the cap; requests behind it are not answered', async () => {
    const big = 'x'.repeat(4096);
    let dispatched = 0;
    const { port, wss } = await serve(
      async () => {
        dispatched++;
        return { big };
      },
      { maxBufferedBytes: 256 * 1024 },
    );
    const raw = await connectRaw(port, '/api/ws');
    const total = 5000;
    void raw.sendText(
      Array.from({ length: total }, (_, id) => JSON.stringify({ id, method: 'settings.get' })),
    );
    await expect
      .poll(() => [...wss.clients].some((ws) => ws.readyState === WebSocket.CLOSING), { timeout: 10_000 })
      .toBe(true);
    raw.resume();
    await new Promise<void>((resolve) => raw.socket.once('close', () => resolve()));
    const frames = parseFrames(raw.received());
    const close = frames.find((frame) => frame.opcode === 0x8);
    expect(close, 'a close frame').toBeDefined();
    expect(close!.payload.readUInt16BE(0)).toBe(BACKLOG_CLOSE.code);
    expect(close!.payload.subarray(2).toString()).toBe(BACKLOG_CLOSE.reason);
    const answered = frames.filter((frame) => frame.opcode === 0x1).length;
    // Answers stop at the cap (the kernel's socket buffers hold some MB before it counts): fewer than
    // all, the close frame last, and requests behind the over-cap one were never run.
    expect(answered).toBeGreaterThan(0);
    expect(answered).toBeLessThan(total);
    expect(frames.at(-1)?.opcode).toBe(0x8);
    expect(dispatched).toBeLessThan(total);
  });
});

describe('limits on one connection', () => {
  it('runs one report.export at a time and refuses a second with BUSY until the first is done', async () => {
    let finish: () => void = () => undefined;
    const { port } = await serve(async (method) => {
      if (method === 'report.export') await new Promise<void>((resolve) => (finish = resolve));
      return { method };
    });
    const ws = await client(port);
    const got = answers(ws, 2);
    ws.send(JSON.stringify({ id: 1, method: 'report.export', params: {} }));
    ws.send(JSON.stringify({ id: 2, method: 'report.export', params: {} }));
    const [first] = await Promise.all([
      new Promise((resolve) => setTimeout(resolve, 200)).then(() => finish()),
      got,
    ]).then(([, messages]) => messages);
    expect(first).toMatchObject({ id: 2, error: { code: 'BUSY', message: /already running/ } });
    // Another connection is a different client with its own export.
    const next = answers(ws, 1);
    ws.send(JSON.stringify({ id: 3, method: 'report.export', params: {} }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    finish();
    expect(await next).toEqual([{ id: 3, result: { method: 'report.export' } }]);
    ws.close();
  });

  it('past the in-flight cap, queues requests and pauses reading; past the queue, answers BUSY', async () => {
    const waiting: Array<() => void> = [];
    let running = 0;
    let peak = 0;
    const { port } = await serve(
      () =>
        new Promise((resolve) => {
          peak = Math.max(peak, ++running);
          waiting.push(() => {
            running--;
            resolve({ ok: true });
          });
        }),
      { maxInflight: 2, maxQueued: 3 },
    );
    const raw = await connectRaw(port, '/api/ws');
    raw.resume();
    // Ten requests in one read: two run, three wait, five are refused.
    raw.sendBatch(Array.from({ length: 10 }, (_, id) => JSON.stringify({ id, method: 'tier.get' })));
    const texts = () =>
      parseFrames(raw.received())
        .filter((frame) => frame.opcode === 0x1)
        .map((frame) => JSON.parse(frame.payload.toString()) as { id: number; error?: { code: string } });
    await expect.poll(() => texts().length).toBe(5);
    expect(texts().every((message) => message.error?.code === 'BUSY')).toBe(true);
    expect(texts().map((message) => message.id)).toEqual([5, 6, 7, 8, 9]);
    await expect.poll(() => waiting.length).toBe(2);
    while (texts().length < 10) {
      for (const release of waiting.splice(0)) release();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(
      texts()
        .slice(5)
        .map((message) => message.id),
    ).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
    // Reading resumed: the next request is answered.
    raw.sendBatch([JSON.stringify({ id: 99, method: 'tier.get' })]);
    await expect.poll(() => waiting.length).toBe(1);
    waiting.pop()!();
    await expect.poll(() => texts().at(-1)?.id).toBe(99);
    raw.socket.destroy();
  });
});
