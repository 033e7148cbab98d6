import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import type { RelayCommand } from './relay-process';

/** The commands a conformance run needs: the relay under check, the demo peer, promtool. */

/** Node (or Electron run as Node) running one of our bundled scripts in dist/relay. */
export function bundledScript(
  distRelayDir: string,
  script: 'relay.mjs' | 'demo-peer.mjs',
  execPath = process.execPath,
): RelayCommand {
  const file = path.join(distRelayDir, script);
  // Electron's binary is Node only with this set; plain Node ignores it.
  return { command: execPath, args: [file], env: { ELECTRON_RUN_AS_NODE: '1' } };
}

/** An executable given by path: checked up front so the report says so rather than a spawn error. */
export function binaryCommand(binary: string, args: readonly string[] = []): RelayCommand {
  if (!path.isAbsolute(binary)) throw new Error(`give the binary as an absolute path, not "${binary}"`);
  if (!existsSync(binary)) throw new Error(`no file at ${binary}`);
  try {
    accessSync(binary, constants.X_OK);
  } catch {
    throw new Error(`${binary} is not executable (chmod +x it)`);
  }
  return { command: binary, args };
}

/** PROMTOOL, else promtool on PATH; null when absent (the lint clause is then not applicable). */
export function findPromtool(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.PROMTOOL) return existsSync(env.PROMTOOL) ? env.PROMTOOL : null;
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, process.platform === 'win32' ? 'promtool.exe' : 'promtool');
    if (existsSync(candidate)) return candidate;
  }
  return null;
}
