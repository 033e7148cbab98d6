import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { promisify } from 'node:util';
import { ApiError } from '../../../shared/api';

const execFileAsync = promisify(execFile);

/** Resolves true when nothing listens on host:port (we can bind it). */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

function ephemeralPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ port: 0, host }, () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * A free pair (N, N+1): the contract puts the health server on API_PORT + 1, so both must be free.
 * The relay binds them a moment later; the window for a race is small and a lost race shows as a
 * start failure naming the port, which the supervisor retries with a new pair.
 */
export async function freePortPair(host = '127.0.0.1'): Promise<{ api: number; health: number }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const api = await ephemeralPort(host);
    if (api < 65535 && (await isPortFree(api + 1, host))) return { api, health: api + 1 };
  }
  throw new ApiError('PORT_IN_USE', 'Could not find two adjacent free ports on 127.0.0.1.');
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return ephemeralPort(host);
}

/** The program a Linux process runs, from its command line ("node", "sprint-control"), or null. */
export function linuxProgramName(pid: number): string | null {
  try {
    const argv0 = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
    const name = argv0.split('/').pop() ?? '';
    return name === '' ? null : name;
  } catch {
    return null;
  }
}

/** Who holds a TCP port, where the OS tells (Linux `ss`, macOS `lsof`, Windows `netstat`). */
export async function describePortHolder(port: number): Promise<string | null> {
  try {
    if (process.platform === 'linux') {
      const { stdout } = await execFileAsync('ss', ['-ltnpH', `sport = :${port}`], { timeout: 2000 });
      const match = /users:\(\("([^"]+)",pid=(\d+)/.exec(stdout);
      if (!match) return null;
      // ss names the listening thread ("MainThread" for Electron and Node apps): name the program.
      const pid = Number(match[2]);
      return `${linuxProgramName(pid) ?? match[1]} (pid ${pid})`;
    }
    if (process.platform === 'darwin') {
      const { stdout } = await execFileAsync('lsof', ['-nP', `-iTCP:${port}`, '-sTCP:LISTEN', '-Fpc'], {
        timeout: 2000,
      });
      const pid = /^p(\d+)/m.exec(stdout)?.[1];
      const name = /^c(.+)$/m.exec(stdout)?.[1];
      return pid ? `${name ?? 'process'} (pid ${pid})` : null;
    }
    if (process.platform === 'win32') {
      const { stdout } = await execFileAsync('netstat', ['-ano', '-p', 'TCP'], { timeout: 2000 });
      const line = stdout.split(/\r?\n/).find((l) => new RegExp(`:${port}\\s.*LISTENING`).test(l));
      const pid = line?.trim().split(/\s+/).pop();
      return pid ? `pid ${pid}` : null;
    }
  } catch {
    // The holder is a courtesy in the message; its absence must not hide the real error.
  }
  return null;
}

/** Throws PORT_IN_USE naming the port and, where known, its holder, with what to do. */
export async function assertPortsFree(ports: readonly number[], host = '127.0.0.1'): Promise<void> {
  for (const port of ports) {
    if (await isPortFree(port, host)) continue;
    const holder = await describePortHolder(port);
    throw new ApiError(
      'PORT_IN_USE',
      `Port ${port} on ${host} is already in use${holder ? ` by ${holder}` : ''}. ` +
        'Stop that process or choose another API port in Settings (0 picks a free one).',
      { port, holder },
    );
  }
}

/** The relay's API and health ports: from settings (health is API + 1), or a free pair for 0; checked free. */
export async function relayPorts(apiPort: number): Promise<{ api: number; health: number }> {
  const ports = apiPort === 0 ? await freePortPair() : { api: apiPort, health: apiPort + 1 };
  await assertPortsFree([ports.api, ports.health]);
  return ports;
}
