import { setTimeout as sleep } from 'node:timers/promises';
import { spawnRelay, type RelayCommand, type RelayProcess } from './relay-process';

/** The test peer a relay under check follows: the demo peer, mining only when told to. */

export interface TestPeer {
  readonly address: string;
  /** Mines `count` blocks at once and resolves when the peer has them. */
  mine(count?: number): Promise<void>;
  stop(): Promise<void>;
}

const LISTENING_TIMEOUT_MS = 10_000;

export async function startTestPeer(command: RelayCommand): Promise<TestPeer> {
  const peer: RelayProcess = spawnRelay(
    { ...command, args: [...command.args, '--port', '0', '--http-port', '0', '--interval', '0'] },
    {},
  );
  const deadline = Date.now() + LISTENING_TIMEOUT_MS;
  let ports: { p2pPort: number; httpPort: number } | null = null;
  while (ports === null) {
    for (const line of peer.stdout) {
      try {
        const event = JSON.parse(line) as { event?: string; p2pPort?: number; httpPort?: number };
        if (event.event === 'listening' && event.p2pPort && event.httpPort) {
          ports = { p2pPort: event.p2pPort, httpPort: event.httpPort };
        }
      } catch {
        // Not the listening line.
      }
    }
    if (ports !== null) break;
    if (peer.child.exitCode !== null || Date.now() > deadline) {
      await peer.kill();
      throw new Error(`the test peer did not start: ${peer.stderr.slice(-3).join(' ') || 'no output'}`);
    }
    await sleep(20);
  }
  const { p2pPort, httpPort } = ports;
  return {
    address: `127.0.0.1:${p2pPort}`,
    async mine(count = 1) {
      const res = await fetch(`http://127.0.0.1:${httpPort}/mine?count=${count}`, {
        method: 'POST',
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) throw new Error(`the test peer refused to mine: ${res.status}`);
      await res.arrayBuffer();
    },
    stop: () => peer.kill(),
  };
}
