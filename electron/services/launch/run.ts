import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

/** Small process helpers shared by the probe, the Windows post-spawn steps and read-back. */

export interface RunResult {
  /** Exit code; null when the process could not be started or was killed (timeout). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export type Runner = (
  command: string,
  args: readonly string[],
  env?: NodeJS.ProcessEnv,
) => Promise<RunResult>;

const RUN_TIMEOUT_MS = 10_000;

/** Runs to completion and never rejects: a failure to start is an answer (code null), not an error. */
export const run: Runner = (command, args, env) =>
  new Promise((resolve) => {
    execFile(
      command,
      [...args],
      { env: env ?? process.env, timeout: RUN_TIMEOUT_MS, windowsHide: true },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, stdout: String(stdout), stderr: String(stderr || (error?.message ?? '')) });
      },
    );
  });

/** `which`: the first executable named `name` on PATH (with PATHEXT on Windows), or null. */
export async function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  const dirs = (env.PATH ?? env.Path ?? '').split(delimiter).filter((dir) => dir !== '');
  const exts = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of dirs) {
    for (const ext of exts) {
      const candidate = join(dir, name + ext);
      try {
        await access(candidate, constants.X_OK);
        return candidate;
      } catch {
        // Not here; keep looking along PATH.
      }
    }
  }
  return null;
}

/** The first line of a tool's message, for a reason string; tolerant of Windows line endings. */
export function firstLine(text: string): string {
  return text.trim().split(/\r?\n/)[0]?.trim() ?? '';
}
