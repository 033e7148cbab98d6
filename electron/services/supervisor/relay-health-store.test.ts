import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { storeProblem } from '../../../shared/relay-status';
import { RelayHealthPoller } from './relay-health';

/** A /health document shaped as relay/relay.ts writes it, with the store's write failure set. */
function healthDocument(writeFailure: string | null): unknown {
  return {
    status: 'ok',
    version: '0.9.0',
    upstream: {
      state: 'ready',
      synced: true,
      store: { file: true, loaded: 120, repaired: null, ms: 3, writeFailure },
      network: 'regtest',
      peers: [{ address: '127.0.0.1:18444', state: 'ready' }],
      tip: { height: 121, hash: 'ab'.repeat(32) },
    },
  };
}

let server: http.Server | null = null;
afterEach(() => server?.close());

async function serveHealth(document: () => unknown): Promise<string> {
  server = http.createServer((_req, res) => res.end(JSON.stringify(document())));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
}

describe('header store write failure: relay /health to the relay card', () => {
  it('carries the failure from /health into the status, and says what to do at the moment it happens', async () => {
    let failure: string | null = null;
    const url = await serveHealth(() => healthDocument(failure));
    let changes = 0;
    const poller = new RelayHealthPoller(() => changes++);

    await poller.poll(url);
    expect(poller.upstream?.store?.writeFailure).toBeNull();
    expect(storeProblem({ state: 'running', upstream: poller.upstream })).toBeNull();
    const before = changes;

    failure = 'ENOSPC: no space left on device, write';
    await poller.poll(url);
    expect(changes).toBe(before + 1);
    expect(poller.upstream?.store?.writeFailure).toBe(failure);
    const upstream = { ...poller.upstream!, store: { ...poller.upstream!.store, folder: '/data/relay' } };
    expect(storeProblem({ state: 'running', upstream })).toBe(
      'The disk holding /data/relay is full: free space there, then restart the relay; new headers are kept in memory only until the relay restarts.',
    );
  });

  it("shows another failure's own message with the folder, and nothing once the relay is stopped", () => {
    const upstream = {
      state: 'ready',
      peers: [],
      tip: null,
      store: {
        writeFailure: "EACCES: permission denied, open '/data/relay/headers-main.dat'",
        folder: '/data/relay',
      },
    };
    expect(storeProblem({ state: 'degraded', upstream })).toBe(
      "The header store in /data/relay cannot be written (EACCES: permission denied, open '/data/relay/headers-main.dat'): new headers are kept in memory only until the relay restarts. Fix the folder (permissions, free space), then restart the relay.",
    );
    expect(storeProblem({ state: 'stopped', upstream })).toBeNull();
    // No folder known (an external relay the panel gave no DATA_DIR): named generically, never "undefined".
    expect(
      storeProblem({ state: 'running', upstream: { ...upstream, store: { writeFailure: 'ENOSPC' } } }),
    ).toMatch(/^The disk holding the relay's data folder is full/);
  });

  it('an odd store field from an external relay is left out, never the whole upstream', async () => {
    const url = await serveHealth(() => ({
      upstream: { state: 'ready', peers: [], tip: null, store: { writeFailure: 42 } },
    }));
    const poller = new RelayHealthPoller(() => undefined);
    await poller.poll(url);
    expect(poller.upstream?.state).toBe('ready');
    expect(poller.upstream?.store).toBeUndefined();
  });
});
