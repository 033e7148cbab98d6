import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';

export interface HeadlessPanel {
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  readonly dataDir: string;
  readonly process: ChildProcess;
  stop(): Promise<number | null>;
}

/**
 * Starts the real headless mode (`dist/electron/serve.mjs`, as `npm run serve` does) on an ephemeral
 * port and resolves with the URL it prints. Reusing `dataDir` restarts "the same" panel.
 */
export async function startHeadlessPanel(
  options: {
    dataDir?: string;
    extraArgs?: string[];
    /** Runs the panel under a wrapper, e.g. setpriv to drop to an unprivileged user. */
    wrapper?: string[];
    env?: NodeJS.ProcessEnv;
  } = {},
): Promise<HeadlessPanel> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'sprint-e2e-'));
  const [command, ...prefix] = [...(options.wrapper ?? []), process.execPath];
  const child = spawn(
    command!,
    [
      ...prefix,
      'dist/electron/serve.mjs',
      '--port',
      '0',
      '--no-open',
      '--data-dir',
      dataDir,
      ...(options.extraArgs ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`headless mode printed no URL in 15 s; stderr: ${stderr}`)),
      15_000,
    );
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /^Sprint Control listening on (http:\/\/\S+)$/.exec(line);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`headless mode exited with ${code}; stderr: ${stderr}`)));
  });
  const parsed = new URL(url);
  return {
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token') ?? '',
    dataDir,
    process: child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
}

export function removeDataDir(dataDir: string): void {
  rmSync(dataDir, { recursive: true, force: true });
}

/** One API call over the panel's WebSocket, as the UI makes it; rejects with the API's error message. */
export async function callPanel(
  panel: Pick<HeadlessPanel, 'origin' | 'token'>,
  method: string,
  params: unknown = {},
): Promise<unknown> {
  const ws = new WebSocket(`${panel.origin.replace(/^http/, 'ws')}/api/ws?token=${panel.token}`);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  try {
    return await new Promise((resolve, reject) => {
      ws.on('message', (data) => {
        const message = JSON.parse(data.toString()) as {
          id?: number;
          result?: unknown;
          error?: { message: string };
        };
        if (message.id !== 1) return;
        if (message.error) reject(new Error(message.error.message));
        else resolve(message.result);
      });
      ws.send(JSON.stringify({ id: 1, method, params }));
    });
  } finally {
    ws.close();
  }
}
