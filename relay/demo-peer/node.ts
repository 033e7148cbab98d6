import net from 'node:net';
import { randomBytes } from 'node:crypto';
import type { Logger } from '../util/log';
import { nowMs } from '../util/clock';
import { type Frame, FrameParser, encodeFrame } from '../wire/framing';
import { INV_BLOCK, INV_CMPCT_BLOCK, INV_WITNESS_FLAG, NETWORKS, PROTOCOL_VERSION } from '../wire/constants';
import { HeaderChain } from '../chain/chain';
import { CHAIN_PARAMS } from '../chain/params';
import { hashToHex } from '../wire/bytes';
import {
  NODE_NETWORK,
  NODE_WITNESS,
  decodeGetHeaders,
  decodeInv,
  decodeNonce,
  decodeSendCmpct,
  decodeVersion,
  encodeBlock,
  encodeCmpctBlock,
  encodeHeaders,
  encodeInv,
  encodeNonce,
  encodeRawHeaders,
  encodeVersion,
  ipv4Mapped,
} from '../wire/messages';
import { type MinedBlock, mineNext, newMinerTag, REGTEST_BITS } from './miner';

const params = NETWORKS.regtest;
const USER_AGENT = '/SprintDemoPeer:0.1.0/';

export interface BlockRecord {
  height: number;
  hash: string;
  /** Wall-clock ms (µs resolution) just before the announcement was written to the peers. */
  sentAt: number;
  peers: number;
}

/** One inbound connection and what it asked for during the handshake. */
class Inbound {
  ready = false;
  sendHeaders = false;
  cmpctHighBandwidth = false;
  private gotVersion = false;
  private readonly parser = new FrameParser(params.magic);

  constructor(
    readonly socket: net.Socket,
    private readonly node: DemoNode,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      try {
        this.parser.push(chunk, nowMs(), (f) => this.dispatch(f));
      } catch (err) {
        node.log.warn('inbound peer dropped', { error: err instanceof Error ? err.message : String(err) });
        socket.destroy();
      }
    });
    socket.on('error', () => socket.destroy());
  }

  send(command: string, payload?: Buffer): void {
    this.write(encodeFrame(params.magic, command, payload));
  }

  write(frame: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(frame);
  }

  private dispatch(f: Frame): void {
    switch (f.command) {
      case 'version': {
        if (this.gotVersion) throw new Error('duplicate version');
        const v = decodeVersion(f.payload);
        this.gotVersion = true;
        this.send('version', this.node.versionPayload(v.addrFrom.port));
        this.send('verack');
        return;
      }
      case 'verack':
        this.ready = true;
        return;
      case 'ping':
        return this.send('pong', encodeNonce(decodeNonce(f.payload)));
      case 'sendheaders':
        this.sendHeaders = true;
        return;
      case 'sendcmpct': {
        const s = decodeSendCmpct(f.payload);
        // We build version-1 (non-witness) compact blocks only, so only a v1 request turns them on.
        if (s.version === 1n) this.cmpctHighBandwidth = s.announce;
        return;
      }
      case 'getheaders': {
        const req = decodeGetHeaders(f.payload);
        return this.send('headers', encodeRawHeaders(this.node.chain.headersAfter(req.locator, req.stop)));
      }
      case 'getdata':
        for (const e of decodeInv(f.payload)) this.serveBlock(e.type, hashToHex(e.hash));
        return;
    }
  }

  private serveBlock(type: number, hash: string): void {
    const block = this.node.block(hash);
    const kind = type & ~INV_WITNESS_FLAG;
    if (!block || (kind !== INV_BLOCK && kind !== INV_CMPCT_BLOCK)) return;
    if (kind === INV_CMPCT_BLOCK) this.send('cmpctblock', cmpctPayload(block));
    else this.send('block', encodeBlock(block.header.raw, [block.coinbase]));
  }
}

function cmpctPayload(b: MinedBlock): Buffer {
  return encodeCmpctBlock({
    header: b.header.raw,
    nonce: randomBytes(8).readBigUInt64LE(),
    shortIds: [],
    // The coinbase is always prefilled (BIP 152); it is our only transaction.
    prefilled: [{ index: 0, tx: b.coinbase }],
  });
}

/**
 * A regtest node that accepts inbound peers, mines real blocks from the regtest genesis, and announces
 * each one as Bitcoin Core would: cmpctblock to high-bandwidth peers, headers to sendheaders peers,
 * inv to the rest.
 */
/**
 * Blocks (and their send records) the demo peer keeps for getdata and GET /blocks. One every 10 s is
 * 8,640 a day: without a bound a long-running panel's demo peer grows for ever. Older headers stay in
 * the chain; an older block asked for by getdata is simply not found, as on a pruned node.
 */
export const DEFAULT_KEPT_BLOCKS = 1000;

export class DemoNode {
  readonly chain: HeaderChain;
  readonly records: BlockRecord[] = [];
  private readonly blocks = new Map<string, MinedBlock>();
  private readonly peers = new Set<Inbound>();
  private readonly server: net.Server;
  private readonly nonce = randomBytes(8).readBigUInt64LE();
  /** Seconds added to the time in our version message: plays a node whose clock differs from ours. */
  clockOffsetSeconds = 0;
  /** This process's coinbase tag: two demo peers never mine the same block (see newMinerTag). */
  private readonly minerTag = newMinerTag();

  /** With `chainFile` the chain survives restarts, so heights continue and charts never mix chains. */
  constructor(
    readonly log: Logger,
    chainFile: string | null = null,
    private readonly keptBlocks = DEFAULT_KEPT_BLOCKS,
  ) {
    this.chain = new HeaderChain(CHAIN_PARAMS.regtest, chainFile ? { file: chainFile } : {});
    this.server = net.createServer((socket) => {
      const peer = new Inbound(socket, this);
      this.peers.add(peer);
      socket.on('close', () => this.peers.delete(peer));
    });
  }

  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        const addr = this.server.address();
        resolve(typeof addr === 'object' && addr ? addr.port : port);
      });
    });
  }

  close(): void {
    this.chain.close();
    this.server.close();
    for (const p of this.peers) p.socket.destroy();
  }

  block(hash: string): MinedBlock | undefined {
    return this.blocks.get(hash);
  }

  versionPayload(theirPort: number): Buffer {
    return encodeVersion({
      version: PROTOCOL_VERSION,
      services: NODE_NETWORK | NODE_WITNESS,
      timestamp: BigInt(Math.floor(Date.now() / 1000 + this.clockOffsetSeconds)),
      addrRecv: { services: 0n, ip: ipv4Mapped(), port: theirPort },
      addrFrom: { services: NODE_NETWORK | NODE_WITNESS, ip: ipv4Mapped(), port: 0 },
      nonce: this.nonce,
      userAgent: USER_AGENT,
      startHeight: this.chain.tip.height,
      relay: true,
    });
  }

  /** Mines one block on the tip and announces it to every ready peer in one synchronous loop. */
  mineOne(): BlockRecord {
    const block = mineNext(this.chain, REGTEST_BITS, this.minerTag);
    this.chain.add(block.header);
    this.blocks.set(block.header.hash, block);
    // Maps iterate in insertion order: the first key is the oldest block.
    if (this.blocks.size > this.keptBlocks) this.blocks.delete(this.blocks.keys().next().value ?? '');
    const ready = [...this.peers].filter((p) => p.ready);
    // Encode every frame first so sentAt marks the writes themselves, not our serialisation.
    const frames = new Map<string, Buffer>();
    const plan = ready.map((p) => {
      const command = p.cmpctHighBandwidth ? 'cmpctblock' : p.sendHeaders ? 'headers' : 'inv';
      if (!frames.has(command))
        frames.set(command, encodeFrame(params.magic, command, this.announcement(command, block)));
      return { p, frame: frames.get(command) ?? Buffer.alloc(0) };
    });
    const sentAt = nowMs();
    for (const { p, frame } of plan) p.write(frame);
    const record = { height: block.height, hash: block.header.hash, sentAt, peers: ready.length };
    this.records.push(record);
    if (this.records.length > this.keptBlocks) this.records.splice(0, this.records.length - this.keptBlocks);
    this.log.info('mined block', { height: record.height, hash: record.hash, peers: record.peers });
    return record;
  }

  private announcement(command: string, block: MinedBlock): Buffer {
    if (command === 'cmpctblock') return cmpctPayload(block);
    if (command === 'headers') return encodeHeaders([block.header]);
    return encodeInv([{ type: INV_BLOCK, hash: block.header.hashBytes }]);
  }

  /** Mines `count` blocks, yielding between them so each announcement leaves in its own write. */
  async mine(count: number): Promise<BlockRecord[]> {
    const out: BlockRecord[] = [];
    for (let i = 0; i < count; i++) {
      out.push(this.mineOne());
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return out;
  }
}
