/**
 * A real demo peer + real relay on loopback (the bundled dist/relay/*.mjs), for the probe's
 * integration tests and the probe benchmark. Everything binds port 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import type { TierName } from '../../../../shared/tiers';

export interface RelayHarness {
  readonly apiUrl: string;
  readonly healthUrl: string;
  readonly demoUrl: string;
  readonly key: string;
  readonly relayPid: number;
  readonly demoPid: number;
  /** POST /mine?count=N on the demo peer; resolves once the relay serves the last one. */
  mine(count?: number): Promise<Array<{ height: number; hash: string }>>;
  stop(): Promise<void>;
}

export const HARNESS_KEY = 'probe-test-panel-key-0123456789';

function firstJsonLine(
  child: ChildProcess,
  what: string,
  timeoutMs = 10_000,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(
      () => reject(new Error(`${what}: no listening line in ${timeoutMs} ms: ${err}`)),
      timeoutMs,
    );
    child.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl === -1) return;
      clearTimeout(timer);
      try {
        resolve(JSON.parse(out.slice(0, nl)) as Record<string, unknown>);
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
    child.on('exit', (code) => reject(new Error(`${what} exited (${code}) before listening: ${err}`)));
  });
}

export function request(method: string, url: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGCONT'); // a test may have left it stopped
    child.kill('SIGTERM');
  });
}

export async function startRelayHarness(options: {
  distDir: string;
  tier?: TierName;
}): Promise<RelayHarness> {
  const node = process.execPath;
  const demo = spawn(
    node,
    [path.join(options.distDir, 'demo-peer.mjs'), '--port', '0', '--http-port', '0', '--interval', '0'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const children: ChildProcess[] = [demo];
  const stop = async () => {
    await Promise.all(children.map(stopChild));
  };
  try {
    const demoPorts = await firstJsonLine(demo, 'demo peer');
    const demoUrl = `http://127.0.0.1:${Number(demoPorts.httpPort)}`;
    const relay = spawn(node, [path.join(options.distDir, 'relay.mjs')], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        TIER: options.tier ?? 'turbo',
        API_HOST: '127.0.0.1',
        API_PORT: '0',
        API_KEYS: HARNESS_KEY,
        BITCOIN_NODE: `127.0.0.1:${Number(demoPorts.p2pPort)}`,
        BITCOIN_NETWORK: 'regtest',
        LOG_FORMAT: 'json',
      },
    });
    children.push(relay);
    const ports = await firstJsonLine(relay, 'relay');
    const apiUrl = `http://127.0.0.1:${Number(ports.apiPort)}`;
    const healthUrl = `http://127.0.0.1:${Number(ports.healthPort)}/health`;
    await until(async () => {
      const health = JSON.parse((await request('GET', healthUrl)).body) as {
        upstream?: { peers?: Array<{ state?: string }> };
      };
      return (health.upstream?.peers ?? []).some((p) => p.state === 'ready');
    }, 'relay handshake with the demo peer');

    const mine = async (count = 1) => {
      const res = await request('POST', `${demoUrl}/mine?count=${count}`);
      if (res.status !== 200) throw new Error(`mine: HTTP ${res.status} ${res.body}`);
      const blocks = JSON.parse(res.body) as Array<{ height: number; hash: string }>;
      const last = blocks.at(-1);
      await until(async () => {
        const latest = await request('GET', `${apiUrl}/v1/btc/latest`, { 'x-api-key': HARNESS_KEY });
        return latest.status === 200 && (JSON.parse(latest.body) as { hash?: string }).hash === last?.hash;
      }, 'the relay to serve the mined block');
      return blocks;
    };
    return {
      apiUrl,
      healthUrl,
      demoUrl,
      key: HARNESS_KEY,
      relayPid: relay.pid ?? 0,
      demoPid: demo.pid ?? 0,
      mine,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
