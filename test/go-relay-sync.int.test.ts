import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cachedRegtestChain, generateRegtestChain } from '../relay/test-support/chain-gen';
import { ChainPeer } from '../relay/test-support/chain-peer';
import { getJson, request } from '../relay/test-support/clients';
import { goRelayBinary, SKIP_WITHOUT_GO, spawnGoRelay } from './support/go-relay';
import { tempDir } from '../bench/support';

// When the Go relay calls itself ready: at genesis, at an unchanged tip (a peer that answers with
// nothing, or not at all), and after a restart on a stored tip equal to the peer's, without waiting
// for a block; and how many getheaders a sync costs.
const KEY = 'sync-test-key';
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function servePeer(chain: Buffer, opts: ConstructorParameters<typeof ChainPeer>[1] = {}) {
  const peer = new ChainPeer(chain, opts);
  const port = await peer.listen();
  cleanups.push(() => peer.close());
  return { peer, port };
}

function relayOn(port: number, env: Record<string, string> = {}) {
  const relay = spawnGoRelay({
    API_KEYS: KEY,
    BITCOIN_NODE: `127.0.0.1:${port}`,
    BITCOIN_NETWORK: 'regtest',
    ...env,
  });
  cleanups.push(() => relay.kill());
  return relay;
}

async function msUntilReady(healthPort: number, started: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await request(`http://127.0.0.1:${healthPort}/ready`)).status === 200) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`not ready within ${timeoutMs} ms`);
}

describe.skipIf(SKIP_WITHOUT_GO)('the Go relay becomes ready when it has the peer’s tip', () => {
  beforeAll(() => void goRelayBinary(), 180_000);

  it('at genesis, against a peer with nothing but genesis: ready without a block', async () => {
    const { port } = await servePeer(generateRegtestChain(0));
    const started = Date.now();
    const relay = relayOn(port);
    const { healthPort } = await relay.ports;
    await msUntilReady(healthPort, started, 10_000);
    // From the peer's empty answer, not from the silence timer.
    const synced = await relay.logs.find((l) => l.msg === 'headers synced', 'synced');
    expect(synced.why).toBe('peer has no more headers');
  });

  it('against a peer that stays silent on a locator at its tip: ready after the silence timer', async () => {
    const { port } = await servePeer(generateRegtestChain(0), { silentWhenUpToDate: true });
    const started = Date.now();
    const relay = relayOn(port);
    const { healthPort } = await relay.ports;
    const ms = await msUntilReady(healthPort, started, 8000);
    expect(ms).toBeGreaterThanOrEqual(2500); // it waited for an answer first
    await relay.logs.find((l) => l.msg === 'headers synced' && String(l.why).includes('unanswered'), 'why');
  });

  it('after a restart on a stored tip equal to the peer’s: ready at once, /latest the stored tip', async () => {
    const chain = cachedRegtestChain(path.join(os.tmpdir(), 'sprint-chains'), 10_000);
    const { peer, port } = await servePeer(chain, { silentWhenUpToDate: true });
    const dataDir = tempDir('go-relay-sync');
    const first = relayOn(port, { DATA_DIR: dataDir });
    const ports = await first.ports;
    await msUntilReady(ports.healthPort, Date.now(), 20_000);
    // One getheaders per 2,000 headers, and the one that found the tip (a silent peer answers none).
    // Reaching the peer's start height makes the relay ready, which can come before that last request
    // reaches the peer: wait for it, and no more than it.
    await expect.poll(() => peer.getheadersReceived, { timeout: 5000 }).toBe(Math.ceil(10_000 / 2000) + 1);
    await first.stop();

    const started = Date.now();
    const again = relayOn(port, { DATA_DIR: dataDir });
    const { healthPort, apiPort } = await again.ports;
    // Ready from the stored tip reaching the peer's start height: not from a block (none is mined)
    // nor from the silence timer (how long that takes is the bench's figure, not this test's).
    await msUntilReady(healthPort, started, 10_000);
    const synced = await again.logs.find((l) => l.msg === 'headers synced', 'synced');
    expect(synced.why).toBe('peer start height reached');
    const latest = await getJson<{ height: number }>(`http://127.0.0.1:${apiPort}/v1/btc/latest`, {
      'X-API-Key': KEY,
    });
    expect(latest).toMatchObject({ status: 200, json: { height: 10_000 } });
    const health = await getJson<{
      runtime: { memory_limit: number; gogc: number; gomaxprocs: number; go_version: string };
    }>(`http://127.0.0.1:${healthPort}/health`);
    expect(health.json.runtime).toMatchObject({
      gogc: 100,
      go_version: expect.stringMatching(/^go1\./) as unknown,
    });
    expect(health.json.runtime.gomaxprocs).toBeGreaterThan(0);
  });

  it('enterprise GC off: the Go runtime reads GOMEMLIMIT itself, and bounds GC off when none is given', async () => {
    const { port } = await servePeer(generateRegtestChain(0));
    const limited = relayOn(port, { TIER: 'enterprise', GOGC: 'off', GOMEMLIMIT: '200MiB' });
    const unbounded = relayOn(port, { TIER: 'enterprise' });
    type Runtime = {
      runtime: { memory_limit: number; gogc: number };
      knobs: Record<string, { reason?: string }>;
    };
    const read = async (r: typeof limited) =>
      (await getJson<Runtime>(`http://127.0.0.1:${(await r.ports).healthPort}/health`)).json;
    expect((await read(limited)).runtime).toMatchObject({ memory_limit: 200 * 1024 * 1024, gogc: -1 });
    const own = await read(unbounded);
    expect(own.runtime).toMatchObject({ memory_limit: 64 * 1024 * 1024, gogc: -1 });
    expect(own.knobs.GOMEMLIMIT?.reason).toContain('GC is off and no GOMEMLIMIT was given');
    const metrics = (await request(`http://127.0.0.1:${(await limited.ports).healthPort}/metrics`)).body;
    expect(metrics).toMatch(/^go_memory_limit_bytes 2\.097152e\+08$/m);
  });
});
