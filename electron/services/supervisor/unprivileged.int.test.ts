import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RelayStatus } from '../../../shared/relay-status';

// Users are not root. This runs the whole panel (headless mode, as `npm run serve` does) as uid
// 65534 and asks for enterprise: it must still start the relay, with what could not be granted and
// why in the launch report. Needs root to drop to that user, and setpriv (util-linux).
const canDrop = process.getuid?.() === 0 && existsSync('/usr/bin/setpriv');
let host: ReturnType<typeof spawn> | null = null;

afterEach(() => {
  host?.kill('SIGKILL');
  host = null;
});

async function call(url: URL, method: string, params: unknown): Promise<RelayStatus> {
  const ws = new WebSocket(`ws://${url.host}/api/ws?token=${url.searchParams.get('token')}`);
  await new Promise((resolve) => ws.once('open', resolve));
  return new Promise((resolve, reject) => {
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as {
        id?: number;
        result?: unknown;
        error?: { message: string };
      };
      if (message.id !== 1) return;
      ws.close();
      if (message.error) reject(new Error(message.error.message));
      const result = message.result as RelayStatus | { status: RelayStatus };
      resolve('status' in result ? result.status : result);
    });
    ws.send(JSON.stringify({ id: 1, method, params }));
  });
}

describe.skipIf(!canDrop)('as an unprivileged user', () => {
  it('enterprise still runs, and the report says what was refused and why', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sprint-nobody-'));
    chmodSync(dataDir, 0o777);
    host = spawn(
      '/usr/bin/setpriv',
      [
        '--reuid=65534',
        '--regid=65534',
        '--clear-groups',
        process.execPath,
        'dist/electron/serve.mjs',
        '--port',
        '0',
        '--no-open',
        '--data-dir',
        dataDir,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, HOME: dataDir } },
    );
    const url = await new Promise<URL>((resolve) =>
      createInterface({ input: host!.stdout! }).on('line', (line) => {
        const match = /listening on (\S+)$/.exec(line);
        if (match?.[1]) resolve(new URL(match[1]));
      }),
    );
    await call(url, 'tier.set', { tier: 'enterprise' });
    const status = await call(url, 'relay.start', {});
    expect(status.state).toBe('running');
    const items = Object.fromEntries(status.launch!.items.map((item) => [item.name, item]));
    expect(items.priority).toMatchObject({ granted: false, reason: expect.stringMatching(/CAP_SYS_NICE/) });
    expect(items.scheduling).toMatchObject({
      granted: false,
      reason: expect.stringMatching(/CAP_SYS_NICE|RLIMIT_RTPRIO/),
    });
    expect(items.priority?.applied).toBe('nice 0');
    // The wrappers that would fail are not in the argv at all.
    expect(status.launch!.argv.some((part) => /(^|\/)(chrt|nice)$/.test(part))).toBe(false);
  });
});
