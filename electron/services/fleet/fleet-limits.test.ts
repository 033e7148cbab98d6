import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/api';
import { MAX_FLEET_ENTRIES } from '../../../shared/fleet';
import { FleetService } from './fleet-service';
import { FleetStore } from './fleet-store';
import { FetchError, getText } from './http-get';
import { MAX_METRICS_BYTES, parsePromText } from './prom-text';
import { PLAIN_FILE_CODEC, SecretStore } from './secret-store';

const dir = mkdtempSync(path.join(tmpdir(), 'sprint-fleet-limits-'));
const entry = (i: number) => ({
  id: `e${i}`,
  kind: 'relay' as const,
  url: `http://127.0.0.1:${10_000 + i}`,
  label: `r${i}`,
  addedAt: i,
});

describe('fleet limits', () => {
  const servers: http.Server[] = [];
  afterAll(() => servers.forEach((s) => s.close()));

  it(`holds at most ${MAX_FLEET_ENTRIES} entries, refusing the next with a clear message`, async () => {
    const store = new FleetStore(path.join(dir, 'full.json'));
    for (let i = 0; i < MAX_FLEET_ENTRIES; i++) store.add(entry(i));
    const service = new FleetService({
      store,
      secrets: new SecretStore(path.join(dir, 's.json'), PLAIN_FILE_CODEC),
      local: { status: () => ({ tier: 'free', state: 'stopped' }) as never, endpoint: () => null },
    });
    const error = await service.add({ kind: 'relay', url: 'http://127.0.0.1:9' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).message).toBe(
      `The fleet holds at most ${MAX_FLEET_ENTRIES} entries; remove one first.`,
    );
    service.stop();
  });

  it('sets aside a fleet.json over the limit or invalid, and starts empty', () => {
    const file = path.join(dir, 'over.json');
    writeFileSync(
      file,
      JSON.stringify({ entries: Array.from({ length: MAX_FLEET_ENTRIES + 1 }, (_, i) => entry(i)) }),
    );
    expect(new FleetStore(file).list()).toEqual([]);
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(dir).some((f) => f.startsWith('over.json.invalid-'))).toBe(true);
  });

  it('refuses /metrics text over its byte bound, and a body over the fetch bound', async () => {
    expect(() => parsePromText('x'.repeat(MAX_METRICS_BYTES + 1))).toThrow(/larger than/);
    const server = http.createServer((_req, res) => res.end('y'.repeat(64 * 1024)));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    await expect(getText(url, { maxBytes: 1024 })).rejects.toThrow(FetchError);
    await expect(getText(url, { maxBytes: 1024 })).rejects.toThrow(/more than 1024 bytes/);
    expect((await getText(url)).length).toBe(64 * 1024);
  });
});
