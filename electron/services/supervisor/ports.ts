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
 * Where this OS hands out ports for outgoing connections. A port picked there (bind to port 0 picks
 * there too) can be taken as the local end of any process's next connection in the moment before the
 * relay binds it, and the relay's start then fails. Linux says in /proc; Windows, macOS and the BSDs
 * use 49152–65535 unless configured otherwise.
 */
export function ephemeralRange(): { low: number; high: number } {
  if (process.platform === 'linux') {
    try {
      const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
        .trim()
        .split(/\s+/)
        .map(Number);
      if (low && high && low <= high) return { low, high };
    } catch {
      // No /proc: the default below.
    }
  }
  return { low: 49152, high: 65535 };
}

const QUIET_LOW = 20000;
const QUIET_HIGH = 32767;

/**
 * Ports the relay and demo peer are given: 20000–32767, below every default ephemeral range, where
 * only listeners take ports. Null when a configured ephemeral range leaves fewer than 1,000 of them
 * (then the OS picks, as before).
 */
export function quietPortBand(range = ephemeralRange()): { low: number; high: number } | null {
  const high = Math.min(QUIET_HIGH, range.low - 2);
  return high - QUIET_LOW >= 1000 ? { low: QUIET_LOW, high } : null;
}

async function candidatePort(host: string): Promise<number> {
  const band = quietPortBand();
  if (band === null) return ephemeralPort(host);
  return band.low + Math.floor(Math.random() * (band.high - band.low + 1));
}

/**
 * A free pair (N, N+1): the contract puts the health server on API_PORT + 1, so both must be free.
 * Picked outside the ephemeral range (quietPortBand), so nothing but another listener can take them
 * before the relay binds them; a lost race still shows as a start failure naming the port, which the
 * supervisor retries with a new pair.
 */
export async function freePortPair(host = '127.0.0.1'): Promise<{ api: number; health: number }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const api = await candidatePort(host);
    if (api < 65535 && (await isPortFree(api, host)) && (await isPortFree(api + 1, host))) {
      return { api, health: api + 1 };
    }
  }
  throw new ApiError('PORT_IN_USE', 'Could not find two adjacent free ports on 127.0.0.1.');
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await candidatePort(host);
    if (await isPortFree(port, host)) return port;
  }
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
