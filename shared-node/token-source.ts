import { readFileSync, statSync } from 'node:fs';

/**
 * Where a token comes from, never the command line if the user can help it: `--token` lands in
 * /proc/PID/cmdline, which every user of the machine can read. A file (0600) or an environment
 * variable (readable by the same user only, through /proc/PID/environ) keep it private.
 */
export const TOKEN_ENV = 'SPRINT_CONTROL_TOKEN';
const MAX_TOKEN_FILE_BYTES = 4096;

export const TOKEN_ON_COMMAND_LINE_WARNING =
  'Warning: --token puts the token in the process list (ps, /proc/PID/cmdline), readable by every user of this machine. Use --token-file FILE (mode 0600) or the SPRINT_CONTROL_TOKEN environment variable instead.\n';

export class TokenSourceError extends Error {
  override readonly name = 'TokenSourceError';
}

/** The token in a file: its first line, trimmed; a readable-by-others file is refused, saying so. */
export function readTokenFile(file: string): string {
  let text: string;
  try {
    const info = statSync(file);
    if (!info.isFile()) throw new TokenSourceError(`--token-file ${file} is not a file.`);
    if (info.size > MAX_TOKEN_FILE_BYTES)
      throw new TokenSourceError(`--token-file ${file} is ${info.size} bytes; a token file holds one line.`);
    if (process.platform !== 'win32' && (info.mode & 0o077) !== 0)
      throw new TokenSourceError(
        `--token-file ${file} can be read by other users (mode ${(info.mode & 0o777).toString(8)}); run \`chmod 600 ${file}\`.`,
      );
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof TokenSourceError) throw error;
    throw new TokenSourceError(
      `Cannot read --token-file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`,
    );
  }
  const token = (text.replace(/^\uFEFF/, '').split(/\r?\n/)[0] ?? '').trim();
  if (token === '') throw new TokenSourceError(`--token-file ${file} is empty.`);
  return token;
}

/**
 * The token from, in order, --token-file, the environment, or --token (with a warning on stderr);
 * undefined when none was given. Two sources at once is a usage error: which one wins is a surprise.
 */
export function chooseToken(
  given: { tokenFile?: string; token?: string },
  env: NodeJS.ProcessEnv = process.env,
  warn: (text: string) => void = (text) => process.stderr.write(text),
): string | undefined {
  const fromEnv = env[TOKEN_ENV] === '' ? undefined : env[TOKEN_ENV];
  const count = [given.tokenFile, given.token].filter((v) => v !== undefined).length;
  if (count > 1) throw new TokenSourceError('Pass the token one way: --token-file or --token, not both.');
  if (given.tokenFile !== undefined) return readTokenFile(given.tokenFile);
  if (given.token !== undefined) {
    warn(TOKEN_ON_COMMAND_LINE_WARNING);
    return given.token;
  }
  return fromEnv?.trim();
}
