import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createLogger } from '../util/log';
import { NETWORKS } from '../wire/constants';
import { DemoNode } from './node';
import { createDemoHttp } from './http';

interface Args {
  port: number;
  httpPort: number | null;
  intervalSeconds: number;
  /** Where the chain is kept across restarts (the panel's data folder); none: a fresh chain each run. */
  chainFile: string | null;
  /** Seconds this peer's clock claims to be ahead of ours (negative: behind), in its version message. */
  clockOffsetSeconds: number;
}

function usage(message: string): never {
  process.stderr.write(
    `${JSON.stringify({ level: 'error', timestamp: new Date().toISOString(), message: `demo-peer: ${message}` })}\n`,
  );
  process.exit(2);
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = {
    port: NETWORKS.regtest.defaultPort,
    httpPort: null,
    intervalSeconds: 10,
    chainFile: null,
    clockOffsetSeconds: 0,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    i++;
    if (flag === '--chain-file') {
      if (!value || !path.isAbsolute(value)) usage('--chain-file needs an absolute path');
      args.chainFile = value;
      continue;
    }
    if (flag === '--clock-offset') {
      const offset = Number(value);
      if (
        value === undefined ||
        value.trim() === '' ||
        !Number.isFinite(offset) ||
        Math.abs(offset) > 86_400 * 365
      )
        usage('--clock-offset needs a number of seconds (negative: behind), within a year');
      args.clockOffsetSeconds = offset;
      continue;
    }
    const num = Number(value);
    if (value === undefined || value.trim() === '' || !Number.isFinite(num) || num < 0) {
      usage(`${flag ?? ''} needs a non-negative number`);
    }
    if (flag === '--port' || flag === '--http-port') {
      if (!Number.isInteger(num) || num > 65535) usage(`${flag} must be a port number`);
      if (flag === '--port') args.port = num;
      else args.httpPort = num;
    } else if (flag === '--interval') args.intervalSeconds = num;
    else
      usage(
        `unknown option ${flag ?? ''} (use --port, --http-port, --interval, --chain-file, --clock-offset)`,
      );
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const log = createLogger({ fields: { component: 'demo-peer' } });
  if (args.chainFile) mkdirSync(path.dirname(args.chainFile), { recursive: true });
  const node = new DemoNode(log, args.chainFile);
  if (args.chainFile) log.info('demo chain loaded', { height: node.chain.height, ...node.chain.loadReport });
  node.clockOffsetSeconds = args.clockOffsetSeconds;
  const p2pPort = await node.listen(args.port);
  const http = createDemoHttp(node);
  const wantedHttp = args.httpPort ?? (args.port === 0 ? 0 : args.port + 1);
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(wantedHttp, '127.0.0.1', resolve);
  });
  const httpPort = (http.address() as AddressInfo).port;
  process.stdout.write(`${JSON.stringify({ event: 'listening', p2pPort, httpPort })}\n`);
  log.info('demo peer listening', { p2pPort, httpPort, intervalSeconds: args.intervalSeconds });

  // An interval of 0 disables the schedule: blocks are then mined only through POST /mine.
  const timer =
    args.intervalSeconds > 0 ? setInterval(() => node.mineOne(), args.intervalSeconds * 1000) : null;
  const stop = (): void => {
    if (timer) clearInterval(timer);
    node.close();
    http.close();
    http.closeAllConnections();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  if (process.env.SPRINT_PARENT_WATCH === '1' || process.env.SPRINT_PARENT_WATCH === 'true') {
    process.stdin.on('end', stop);
    process.stdin.on('close', stop);
    process.stdin.resume();
  }
}

main().catch((err: unknown) => usage(err instanceof Error ? err.message : String(err)));
