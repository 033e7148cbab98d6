import net from 'node:net';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  describePortHolder,
  ephemeralRange,
  freePort,
  freePortPair,
  linuxProgramName,
  quietPortBand,
} from './ports';

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

describe('ports for the relay and demo peer', () => {
  it('are picked below the ephemeral range, free, and in an adjacent pair for the relay', async () => {
    const range = ephemeralRange();
    const band = quietPortBand(range);
    expect(band).not.toBeNull();
    for (let i = 0; i < 20; i++) {
      const { api, health } = await freePortPair();
      expect(health).toBe(api + 1);
      expect(api).toBeGreaterThanOrEqual(band!.low);
      expect(health).toBeLessThan(range.low);
      const single = await freePort();
      expect(single).toBeLessThan(range.low);
      // Free indeed: both can be listened on now.
      for (const port of [api, health]) {
        const server = net.createServer();
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen({ port, host: '127.0.0.1', exclusive: true }, resolve);
        });
        await new Promise((resolve) => server.close(resolve));
      }
    }
  });

  it('the band stays clear of a configured ephemeral range, or gives way to the OS when too little is left', () => {
    expect(quietPortBand({ low: 32768, high: 60999 })).toEqual({ low: 20000, high: 32766 });
    expect(quietPortBand({ low: 49152, high: 65535 })).toEqual({ low: 20000, high: 32767 });
    expect(quietPortBand({ low: 20500, high: 65535 })).toBeNull();
  });

  it.runIf(process.platform === 'linux')(
    'outgoing connections take their local ports inside the ephemeral range, never in the band (why the band)',
    async () => {
      const server = net.createServer((socket) => socket.on('error', () => undefined));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const target = (server.address() as net.AddressInfo).port;
      const range = ephemeralRange();
      const sockets = await Promise.all(
        Array.from(
          { length: 300 },
          () =>
            new Promise<net.Socket>((resolve, reject) => {
              const socket = net.connect(target, '127.0.0.1', () => resolve(socket));
              socket.once('error', reject);
            }),
        ),
      );
      try {
        const local = sockets.map((socket) => socket.localPort!);
        expect(local.every((port) => port >= range.low && port <= range.high)).toBe(true);
      } finally {
        for (const socket of sockets) socket.destroy();
        server.close();
      }
    },
  );
});
