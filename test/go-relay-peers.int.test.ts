import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BlockAnnouncement } from '../shared/relay-contract';
import { getJson, openWebSocket, request } from '../relay/test-support/clients';
import { startDemoPeer } from '../relay/test-support/processes';
import { goRelayBinary, SKIP_WITHOUT_GO, spawnGoRelay } from './support/go-relay';

// Two real demo peers mining two different chains from regtest genesis: the Go relay follows
// whichever carries more work, switching branches (a reorg) while streaming.
const KEY = 'peers-test-key';
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function peer() {
  const p = await startDemoPeer(0);
  cleanups.push(() => p.stop());
  const mine = async (count: number) =>
    JSON.parse(
      (await request(`http://127.0.0.1:${p.httpPort}/mine?count=${count}`, { method: 'POST' })).body,
    ) as Array<{ height: number; hash: string }>;
  return { ...p, mine };
}

describe.skipIf(SKIP_WITHOUT_GO)('the Go relay with two upstream peers on competing chains', () => {
  beforeAll(() => void goRelayBinary(), 180_000);

  it('follows the chain with more work and streams the switch', async () => {
    const a = await peer();
    const b = await peer();
    const chainA = await a.mine(3);
    const relay = spawnGoRelay({
      API_KEYS: KEY,
      BITCOIN_NODE: `127.0.0.1:${a.p2pPort},127.0.0.1:${b.p2pPort}`,
      BITCOIN_NETWORK: 'regtest',
    });
    cleanups.push(() => relay.kill());
    const { apiPort, healthPort } = await relay.ports;
    const latest = async () =>
      (
        await getJson<{ hash?: string; height?: number }>(`http://127.0.0.1:${apiPort}/v1/btc/latest`, {
          'X-API-Key': KEY,
        })
      ).json;
    await expect.poll(async () => (await latest()).hash, { timeout: 10_000 }).toBe(chainA.at(-1)?.hash);
    await expect.poll(async () => (await request(`http://127.0.0.1:${healthPort}/ready`)).status).toBe(200);

    const ws = await openWebSocket<unknown>(`ws://127.0.0.1:${apiPort}/v1/btc/stream`, { 'X-API-Key': KEY });
    cleanups.push(() => ws.close());
    // B overtakes A: five blocks on its own branch from genesis outweigh A's three.
    const chainB = await b.mine(5);
    const tipB = chainB.at(-1)!;
    // The premise: B's blocks are its own from height 1 (identical blocks would leave nothing to reorg).
    expect(chainB[0]?.hash).not.toBe(chainA[0]?.hash);
    const isBlock = (m: unknown) => (m as { type?: unknown }).type === 'block';
    const pushed = await ws.messages.find(
      (m) => isBlock(m) && BlockAnnouncement.parse(m).hash === tipB.hash,
      "B's tip on the stream",
    );
    expect(BlockAnnouncement.parse(pushed).height).toBe(5);
    // The switch is announced before B's blocks: A's three, named tip first.
    const reorg = ws.messages.items.find((m) => (m as { type?: unknown }).type === 'reorg') as
      { depth: number; disconnected: Array<{ height: number; hash: string }> } | undefined;
    expect(reorg?.depth).toBe(3);
    expect(reorg?.disconnected.map((d) => d.hash)).toEqual(chainA.map((c) => c.hash).reverse());
    expect(await latest()).toMatchObject({ hash: tipB.hash, height: 5 });
    // A's next block leaves A behind (4 < 5): the relay stays on B's branch.
    await a.mine(1);
    await relay.logs.find((l) => l.msg === 'block relayed' && l.height === 5, 'the switch logged');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await latest()).hash).toBe(tipB.hash);
    // And when A pulls ahead again (6 > 5), it switches back.
    const more = await a.mine(2);
    await expect.poll(async () => (await latest()).hash, { timeout: 10_000 }).toBe(more.at(-1)?.hash);
  });
});
