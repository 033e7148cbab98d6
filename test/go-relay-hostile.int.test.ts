import net from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getJson, request } from '../relay/test-support/clients';
import { FakeUpstream } from '../relay/test-support/fake-upstream';
import { NETWORKS } from '../relay/wire/constants';
import { encodeFrame } from '../relay/wire/framing';
import { hashToBigInt, parseHeader, serializeHeader, targetFromBits } from '../relay/wire/header';
import { encodeHeaders } from '../relay/wire/messages';
import { goRelayBinary, SKIP_WITHOUT_GO, spawnGoRelay } from './support/go-relay';

// The Go relay against peers and clients that misbehave, written with the TypeScript P2P code (which
// shares nothing with relay/go): it drops them, says why, and keeps serving.
const KEY = 'hostile-test-key';
const regtest = NETWORKS.regtest;
const genesis = parseHeader(Buffer.from(regtest.genesisHeaderHex, 'hex'));
const target = targetFromBits(regtest.powLimitBits);
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A header on genesis whose hash is (valid) or is not (invalid) at or below the regtest target. */
function headerOnGenesis(valid: boolean) {
  for (let nonce = 0; ; nonce++) {
    const header = parseHeader(
      serializeHeader({
        version: 0x20000000,
        prevHash: genesis.hashBytes,
        merkleRoot: Buffer.alloc(32, 7),
        time: genesis.time + 600,
        bits: regtest.powLimitBits,
        nonce,
      }),
    );
    if (hashToBigInt(header.hashBytes) <= target === valid) return header;
  }
}

async function relayOnFake() {
  const upstream = new FakeUpstream();
  const port = await upstream.listen();
  const relay = spawnGoRelay({
    API_KEYS: KEY,
    BITCOIN_NODE: `127.0.0.1:${port}`,
    BITCOIN_NETWORK: 'regtest',
  });
  cleanups.push(
    () => upstream.close(),
    () => relay.kill(),
  );
  const ports = await relay.ports;
  return {
    upstream,
    relay,
    api: `http://127.0.0.1:${ports.apiPort}`,
    health: `http://127.0.0.1:${ports.healthPort}`,
  };
}

describe.skipIf(SKIP_WITHOUT_GO)('the Go relay against hostile peers and clients', () => {
  beforeAll(() => void goRelayBinary(), 180_000);

  it('drops a peer that sends a header with bad proof of work, reconnects, and takes a valid one', async () => {
    const { upstream, relay, api, health } = await relayOnFake();
    const first = await upstream.connection(0);
    await first.nextGetHeaders();
    first.send('headers', encodeHeaders([headerOnGenesis(false)]));
    await first.closed;
    const dropped = await relay.logs.find((l) => l.msg === 'dropping upstream peer', 'the drop logged');
    expect(dropped).toMatchObject({
      level: 'warn',
      command: 'headers',
      error: expect.stringMatching(/BAD_POW/),
    });
    expect((await request(`${health}/health`)).status).toBe(200);
    const second = await upstream.connection(1);
    await second.nextGetHeaders();
    const good = headerOnGenesis(true);
    second.send('headers', encodeHeaders([good]));
    await expect
      .poll(
        async () =>
          (await getJson<{ hash?: string }>(`${api}/v1/btc/latest`, { 'X-API-Key': KEY })).json.hash,
      )
      .toBe(good.hash);
  });

  it('refuses an oversized length claim at once, without waiting for the 4 MB it announces', async () => {
    const { upstream, relay } = await relayOnFake();
    const conn = await upstream.connection(0);
    await conn.nextGetHeaders();
    const head = encodeFrame(regtest.magic, 'headers').subarray(0, 24);
    head.writeUInt32LE(4_000_001, 16);
    conn.write(head);
    await conn.closed;
    expect(conn.closedByRelay).toBe(true);
    await relay.logs.find((l) => String(l.reason).includes('OVERSIZED'), 'the oversized claim named');
  });

  it('closes a WebSocket client that sends an unmasked frame with 1002, and keeps serving', async () => {
    const { api } = await relayOnFake();
    const socket = net.connect(Number(new URL(api).port), '127.0.0.1');
    cleanups.push(() => socket.destroy());
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.write(
      [
        'GET /v1/btc/stream HTTP/1.1',
        `Host: ${new URL(api).host}`,
        'Connection: Upgrade',
        'Upgrade: websocket',
        'Sec-WebSocket-Version: 13',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
        `X-API-Key: ${KEY}`,
        '',
        '',
      ].join('\r\n'),
    );
    await expect.poll(() => Buffer.concat(received).toString('latin1')).toMatch(/\r\n\r\n/);
    const handshake = Buffer.concat(received).toString('latin1');
    expect(handshake).toMatch(/^HTTP\/1\.1 101 /);
    expect(handshake).toContain('Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    socket.write(Buffer.from([0x81, 0x02, 0x68, 0x69])); // "hi", unmasked: a protocol error (RFC 6455 5.1)
    await new Promise((resolve) => socket.once('close', resolve));
    const all = Buffer.concat(received);
    const frame = all.subarray(all.indexOf('\r\n\r\n') + 4);
    expect(frame[0]).toBe(0x88);
    expect(frame.readUInt16BE(2)).toBe(1002);
    expect((await request(`${api}/v1/btc/status`, { headers: { 'X-API-Key': KEY } })).status).toBe(200);
  });
});
