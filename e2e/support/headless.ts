import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

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
  options: { dataDir?: string; extraArgs?: string[] } = {},
): Promise<HeadlessPanel> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'sprint-e2e-'));
  const child = spawn(
    process.execPath,
    [
      'dist/electron/serve.mjs',
      '--port',
      '0',
      '--no-open',
      '--data-dir',
      dataDir,
      ...(options.extraArgs ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
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
