import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from '../test-support/clients';
import { Collector, type DemoPeer, startDemoPeer } from '../test-support/processes';
import { type Frame, FrameParser, encodeFrame } from '../wire/framing';
import { INV_BLOCK, NETWORKS, PROTOCOL_VERSION } from '../wire/constants';
import { hashToHex } from '../wire/bytes';
import { HeaderChain } from '../chain/chain';
import { CHAIN_PARAMS } from '../chain/params';
import {
  decodeBlock,
  decodeCmpctBlockHeader,
  decodeHeaders,
  decodeInv,
  encodeGetHeaders,
  encodeInv,
  encodeSendCmpct,
  encodeVersion,
  ipv4Mapped,
} from '../wire/messages';

const magic = NETWORKS.regtest.magic;

/** A bare P2P client that completes the handshake and optionally asks for an announcement mode. */
async function client(port: number, mode: 'inv' | 'headers' | 'cmpct') {
  const socket = net.connect({ host: '127.0.0.1', port });
  const frames = new Collector<Frame>();
  const parser = new FrameParser(magic);
  socket.on('data', (c: Buffer) => parser.push(c, 0, (f) => frames.push(f)));
  const send = (command: string, payload?: Buffer): boolean =>
    socket.write(encodeFrame(magic, command, payload));
  await new Promise((resolve) => socket.once('connect', resolve));
  const addr = { services: 0n, ip: ipv4Mapped(), port: 0 };
  send(
    'version',
    encodeVersion({
      version: PROTOCOL_VERSION,
      services: 0n,
      timestamp: 0n,
      addrRecv: addr,
      addrFrom: addr,
      nonce: 7n,
      userAgent: '/test/',
      startHeight: 0,
      relay: false,
    }),
  );
  await frames.find((f) => f.command === 'verack', 'verack');
  if (mode === 'headers') send('sendheaders');
  if (mode === 'cmpct') send('sendcmpct', encodeSendCmpct({ announce: true, version: 1n }));
  send('verack');
  // A ping answered means every earlier message (including the mode request) has been processed.
  send('ping', Buffer.alloc(8, 1));
  await frames.find((f) => f.command === 'pong', 'pong');
  return { socket, frames, send };
}

describe('demo peer (built process)', () => {
  let peer: DemoPeer;
  beforeAll(async () => {
    peer = await startDemoPeer(0);
  });
  afterAll(async () => {
    await peer?.stop();
  });

  it('announces by inv, headers or cmpctblock as each peer asked, and serves getdata and getheaders', async () => {
    const [inv, headers, cmpct] = await Promise.all([
      client(peer.p2pPort, 'inv'),
      client(peer.p2pPort, 'headers'),
      client(peer.p2pPort, 'cmpct'),
    ]);
    const res = await request(`http://127.0.0.1:${peer.httpPort}/mine?count=1`, { method: 'POST' });
    const [mined] = JSON.parse(res.body) as Array<{
      height: number;
      hash: string;
      sentAt: number;
      peers: number;
    }>;
    expect(mined).toMatchObject({ height: 1, peers: 3 });

    const invFrame = await inv.frames.find((f) => f.command === 'inv', 'inv');
    const [entry] = decodeInv(invFrame.payload);
    expect(entry?.type).toBe(INV_BLOCK);
    expect(hashToHex(entry?.hash ?? Buffer.alloc(32))).toBe(mined?.hash);
    const hdrs = decodeHeaders(
      (await headers.frames.find((f) => f.command === 'headers', 'headers')).payload,
    );
    expect(hdrs.map((h) => h.hash)).toEqual([mined?.hash]);
    const cb = await cmpct.frames.find((f) => f.command === 'cmpctblock', 'cmpctblock');
    expect(decodeCmpctBlockHeader(cb.payload).hash).toBe(mined?.hash);

    inv.send('getdata', encodeInv([{ type: INV_BLOCK, hash: entry?.hash ?? Buffer.alloc(32) }]));
    const block = decodeBlock((await inv.frames.find((f) => f.command === 'block', 'block')).payload);
    expect(block).toMatchObject({ txCount: 1, header: { hash: mined?.hash } });
    // The block is valid regtest work that links to the real regtest genesis.
    const chain = new HeaderChain(CHAIN_PARAMS.regtest);
    expect(chain.add(block.header)).toMatchObject({ status: 'tip', entry: { height: 1 } });

    const genesis = chain.genesis.header.hashBytes;
    inv.send(
      'getheaders',
      encodeGetHeaders({ version: PROTOCOL_VERSION, locator: [genesis], stop: Buffer.alloc(32) }),
    );
    const reply = await inv.frames.find((f) => f.command === 'headers', 'getheaders reply');
    expect(decodeHeaders(reply.payload).map((h) => h.hash)).toEqual([mined?.hash]);

    const blocks = JSON.parse((await request(`http://127.0.0.1:${peer.httpPort}/blocks`)).body) as unknown[];
    expect(blocks).toEqual([mined]);
    for (const c of [inv, headers, cmpct]) c.socket.destroy();
  });

  it('rejects a bad /mine count', async () => {
    for (const count of ['0', '1001', 'x', '1.5']) {
      expect(
        (await request(`http://127.0.0.1:${peer.httpPort}/mine?count=${count}`, { method: 'POST' })).status,
      ).toBe(400);
    }
  });
});

describe('demo peer chain file', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'demo-chain-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps its chain across restarts, so heights continue', async () => {
    const file = path.join(dir, 'nested', 'regtest-headers.dat');
    const first = await startDemoPeer(0, ['--chain-file', file]);
    const mined = JSON.parse(
      (await request(`http://127.0.0.1:${first.httpPort}/mine?count=5`, { method: 'POST' })).body,
    ) as Array<{ hash: string }>;
    await first.stop();
    const second = await startDemoPeer(0, ['--chain-file', file]);
    const tip = JSON.parse((await request(`http://127.0.0.1:${second.httpPort}/tip`)).body) as {
      height: number;
      hash: string;
    };
    expect(tip).toMatchObject({ height: 5, hash: mined[4]?.hash });
    const next = JSON.parse(
      (await request(`http://127.0.0.1:${second.httpPort}/mine?count=1`, { method: 'POST' })).body,
    ) as Array<{ height: number }>;
    expect(next[0]?.height).toBe(6);
    await second.stop();
  });
});
