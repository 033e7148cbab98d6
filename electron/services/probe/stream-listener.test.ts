import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { BlockRelayed } from '../../../shared/metrics';
import { StreamListener } from './stream-listener';

const HASH = 'ab'.repeat(32);
const SENT_AT = 1_796_600_000_000.5;
const closers: Array<() => void> = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => server.close());
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A relay whose stream announces one block on connect, and a demo peer that sent it at SENT_AT. */
async function relayAndDemoPeer(): Promise<{ apiUrl: string; demoPeerUrl: string }> {
  const relay = http.createServer();
  const wss = new WebSocketServer({ server: relay, path: '/v1/btc/stream' });
  closers.push(() => wss.close());
  wss.on('connection', (ws) =>
    ws.send(
      JSON.stringify({
        type: 'block',
        seq: 1,
        epoch: 'e',
        height: 7,
        hash: HASH,
        header: '00'.repeat(80),
        receivedAt: SENT_AT + 0.2,
        relayedAt: SENT_AT + 0.3,
      }),
    ),
  );
  const demo = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify(req.url === '/blocks' ? [{ height: 7, hash: HASH, sentAt: SENT_AT, peers: 1 }] : []),
    );
  });
  return { apiUrl: await listen(relay), demoPeerUrl: await listen(demo) };
}

async function firstBlock(arrivesAt: number) {
  const { apiUrl, demoPeerUrl } = await relayAndDemoPeer();
  const warnings: Array<{ message: string; fields?: Record<string, unknown> }> = [];
  const block = await new Promise<BlockRelayed>((resolve) => {
    const listener = new StreamListener({
      apiUrl,
      key: 'k',
      demoPeerUrl,
      clock: { now: () => arrivesAt },
      onBlock: resolve,
      onWarning: (message, fields) => warnings.push({ message, fields }),
    });
    closers.push(() => listener.stop());
    listener.start();
  });
  return { block, warnings };
}

describe('end-to-end time from the demo peer’s send to the probe', () => {
  it('is the probe’s arrival time less the demo peer’s send time', async () => {
    const { block, warnings } = await firstBlock(SENT_AT + 2.25);
    expect(block.endToEndMs).toBeCloseTo(2.25, 3);
    expect(block.addedMs).toBeCloseTo(0.1, 3);
    expect(warnings).toEqual([]);
  });

  it('a block that arrived before it was sent (clocks that disagree) is not recorded as a latency, and says so', async () => {
    const { block, warnings } = await firstBlock(SENT_AT - 4);
    expect(block.endToEndMs).toBeNull();
    expect(block.height).toBe(7);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(/end-to-end not recorded/);
    expect(warnings[0]!.fields).toMatchObject({ height: 7, byMs: 4 });
  });
});
