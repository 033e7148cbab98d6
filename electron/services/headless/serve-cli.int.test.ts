import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { callPanel, startHeadlessPanel, type HeadlessPanel } from '../../../e2e/support/headless';
import { connectRaw } from './test-support/raw-ws';

// The real headless mode (dist/electron/serve.mjs, bundled by test/global-setup.ts) in its own process.
const panels: HeadlessPanel[] = [];
afterEach(async () => {
  await Promise.all(panels.splice(0).map((panel) => panel.stop()));
});

async function panel(options: Parameters<typeof startHeadlessPanel>[0] = {}) {
  const started = await startHeadlessPanel(options);
  panels.push(started);
  return started;
}

/** Runs serve with arguments that must make it exit; resolves its exit code and stderr. */
function serveFails(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['dist/electron/serve.mjs', '--no-open', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    }),
  );
}

function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

describe('serve refuses bad start options in one line', () => {
  it('--data-dir pointing at a file: a clear error, exit 2, no stack trace', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'sprint-cli-')), 'not-a-folder');
    writeFileSync(file, 'x');
    const { code, stderr } = await serveFails(['--data-dir', file]);
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain(`${file} is a file, not a folder`);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it.each([[''], ['a']])('--token %j: refused with the rule, exit 2', async (token) => {
    const { code, stderr } = await serveFails([
      '--token',
      token,
      '--data-dir',
      mkdtempSync(path.join(os.tmpdir(), 'sprint-cli-')),
    ]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--token refused: the token must be at least 22 characters \(128 bits/);
  });
});

describe('the token never on the command line', () => {
  const token = '0123456789abcdefABCDEF0123456789';
  const cmdline = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8');

  it('--token-file (0600): the panel takes it, and ps shows only the file name', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sprint-cli-'));
    const file = path.join(dir, 'token');
    writeFileSync(file, `${token}\n`, { mode: 0o600 });
    const started = await panel({ extraArgs: ['--token-file', file] });
    expect(started.token).toBe(token);
    expect(cmdline(started.process.pid!)).not.toContain(token);
  });

  it('SPRINT_CONTROL_TOKEN: the panel takes it from the environment', async () => {
    const started = await panel({ env: { ...process.env, SPRINT_CONTROL_TOKEN: token } });
    expect(started.token).toBe(token);
    expect(cmdline(started.process.pid!)).not.toContain(token);
  });

  it('a token file other users can read is refused, saying how to fix it; --token still works, with a warning', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sprint-cli-'));
    const file = path.join(dir, 'token');
    writeFileSync(file, token, { mode: 0o644 });
    const refused = await serveFails(['--token-file', file, '--data-dir', dir]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`can be read by other users (mode 644); run \`chmod 600 ${file}\``);
    const started = await panel({ extraArgs: ['--token', token] });
    expect(started.token).toBe(token);
  });
});

describe('serve --host 0.0.0.0', () => {
  it('warns on stderr, and the UI opened at 127.0.0.1 still connects', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sprint-cli-'));
    const child = spawn(
      process.execPath,
      ['dist/electron/serve.mjs', '--no-open', '--port', '0', '--host', '0.0.0.0', '--data-dir', dataDir],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      const url = await new Promise<URL>((resolve, reject) => {
        let stdout = '';
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          const match = /listening on (http:\/\/\S+)/.exec(stdout);
          if (match?.[1]) resolve(new URL(match[1]));
        });
        child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
      });
      expect(stderr).toMatch(/Warning: --host 0\.0\.0\.0 serves the panel beyond this machine/);
      expect(url.hostname).toBe('127.0.0.1');
      const token = url.searchParams.get('token') ?? '';
      const ws = new WebSocket(`ws://127.0.0.1:${url.port}/api/ws?token=${token}`, { origin: url.origin });
      const answer = await new Promise<unknown>((resolve, reject) => {
        ws.once('open', () => ws.send(JSON.stringify({ id: 1, method: 'tier.get' })));
        ws.on('message', (data) => {
          const message = JSON.parse(data.toString()) as { id?: number };
          if (message.id === 1) resolve(message);
        });
        ws.once('unexpected-response', (_request, response) =>
          reject(new Error(`HTTP ${response.statusCode}`)),
        );
      });
      ws.close();
      expect(answer).toEqual({ id: 1, result: { tier: 'free' } });
    } finally {
      child.kill('SIGTERM');
    }
  });
});

describe('the data folder is private to its user', () => {
  it('folder 0700; settings, history, logs and reports 0600', async () => {
    const started = await panel();
    await callPanel(started, 'settings.set', { tier: 'pro' });
    await callPanel(started, 'report.export', { from: 0, to: Date.now(), tier: 'pro', format: 'csv' });
    // A start and a stop of the bundled relay write log lines and supervisor events to relay.log.
    await callPanel(started, 'relay.start');
    await callPanel(started, 'relay.stop');
    await started.stop();
    const mode = (file: string) => statSync(file).mode & 0o777;
    const dir = started.dataDir;
    expect(mode(dir)).toBe(0o700);
    const files = [
      path.join(dir, 'settings.json'),
      path.join(dir, 'history.sqlite'),
      path.join(dir, 'logs', 'relay.log'),
      ...readdirSync(path.join(dir, 'reports')).map((name) => path.join(dir, 'reports', name)),
    ];
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const file of files) {
      expect(existsSync(file), file).toBe(true);
      expect(mode(file), file).toBe(0o600);
    }
    for (const sub of ['logs', 'reports']) expect(mode(path.join(dir, sub)), sub).toBe(0o700);
  });
});

describe('a WebSocket client that never reads', () => {
  it('300,000 settings.get: it is closed and the server RSS stays within 50 MB of its start', async () => {
    const started = await panel();
    const pid = started.process.pid!;
    const port = Number(new URL(started.origin).port);
    const before = rssMb(pid);
    const raw = await connectRaw(port, `/api/ws?token=${started.token}`);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 20);
    const closed = new Promise<void>((resolve) => raw.socket.once('close', () => resolve()));
    const request = JSON.stringify({ id: 1, method: 'settings.get' });
    await raw.sendText(Array.from({ length: 300_000 }, (_, id) => request.replace('"id":1', `"id":${id}`)));
    // It never reads; the server must drop it by itself.
    raw.resume();
    await closed;
    clearInterval(sampler);
    const after = rssMb(pid);
    expect(peak - before, `RSS ${before.toFixed(0)} → peak ${peak.toFixed(0)} MB`).toBeLessThan(50);
    expect(after - before).toBeLessThan(50);
    // And the server still serves everyone else.
    expect(await callPanel(started, 'tier.get')).toEqual({ tier: 'free' });
  }, 60_000);
});
