import { build } from 'esbuild';
import http from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Spawned, listening, spawnBuilt } from '../../relay/test-support/processes';

/** Bundles the hostile peer into a temp folder (it is a test tool, not part of dist/). */
export async function buildHostilePeer(): Promise<string> {
  const outfile = join(mkdtempSync(join(tmpdir(), 'hostile-peer-')), 'hostile-peer.mjs');
  await build({
    entryPoints: [new URL('./main.ts', import.meta.url).pathname],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    outfile,
    logLevel: 'warning',
  });
  return outfile;
}

export interface HostilePeer extends Spawned {
  port: number;
}

export async function startHostilePeer(script: string, args: readonly string[]): Promise<HostilePeer> {
  const p = spawnBuilt(script, args, {});
  const line = await listening(p);
  return Object.assign(p, { port: Number(line.port) });
}

/** Resident and peak resident memory of a process, MB, from /proc/<pid>/status. */
export function memoryMb(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

/**
 * Polls a URL every `everyMs` on one keep-alive connection and records each answer's latency, so a
 * test can show the API kept answering through a flood (a request that fails counts as Infinity).
 */
export function pollLatency(url: string, headers: Record<string, string>, everyMs = 20) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const samples: number[] = [];
  let stopped = false;
  const once = (): void => {
    if (stopped) return;
    const started = performance.now();
    const req = http.get(url, { agent, headers }, (res) => {
      res.resume();
      res.on('end', () => {
        samples.push(res.statusCode === 200 ? performance.now() - started : Infinity);
        setTimeout(once, everyMs);
      });
    });
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
    req.on('error', () => {
      samples.push(Infinity);
      setTimeout(once, everyMs);
    });
  };
  once();
  let from = 0;
  return {
    samples,
    /** Only samples from now on count (the flood's start, not the relay's own start-up). */
    mark(): void {
      from = samples.length;
    },
    stop(): { n: number; p50: number; p99: number; max: number } {
      stopped = true;
      agent.destroy();
      const sorted = samples.slice(from).sort((a, b) => a - b);
      const at = (q: number): number =>
        sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
      return { n: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? NaN };
    },
  };
}
