import { spawn } from 'node:child_process';

/** Debian's promtool (`apt-get install prometheus`); PROMTOOL overrides the path. */
export const PROMTOOL = process.env.PROMTOOL ?? '/usr/bin/promtool';

export interface ToolResult {
  code: number | null;
  output: string;
}

/** Runs promtool with `input` on stdin; output is stdout and stderr together, for failure messages. */
export function promtool(args: readonly string[], input = '', timeoutMs = 20_000): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(PROMTOOL, args, { stdio: ['pipe', 'pipe', 'pipe'], timeout: timeoutMs });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
    child.stdin.end(input);
  });
}
