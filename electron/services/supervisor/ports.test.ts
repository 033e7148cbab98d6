import net from 'node:net';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { describePortHolder, linuxProgramName } from './ports';

const hasSs = (() => {
  try {
    execFileSync('ss', ['-V']);
    return true;
  } catch {
    return false;
  }
})();

describe('who holds a port', () => {
  it.runIf(process.platform === 'linux')('names the program from its command line, or null', () => {
    expect(linuxProgramName(process.pid)).toBe(path.basename(process.argv0));
    expect(linuxProgramName(2 ** 30)).toBeNull();
  });

  it.runIf(process.platform === 'linux' && hasSs)('names the program, never a thread name', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as net.AddressInfo).port;
      const holder = await describePortHolder(port);
      expect(holder).toBe(`${path.basename(process.argv0)} (pid ${process.pid})`);
      expect(holder).not.toMatch(/Thread/);
    } finally {
      server.close();
    }
  });
});
