/**
 * The SLA probe process (bundled to dist/relay/probe.mjs). It runs apart from the panel, launched
 * with the relay's priority plan, so UI work never inflates the figures (DESIGN.md, "Processes").
 *
 *   node probe.mjs --api-url http://127.0.0.1:PORT --rate HZ [--timeout MS] [--stream on|off]
 *                  [--demo-peer-url http://127.0.0.1:PORT] [--spin-ms MS] (key in SPRINT_PROBE_KEY)
 *
 * stdout: JSON lines (protocol.ts), samples batched every 250 ms; stderr: JSON log lines.
 * Exits 0 on SIGTERM/SIGINT and when stdin closes (the parent is gone).
 */
import type { ProbeLine, ProbeSample } from './protocol';
import { PROBE_KEY_ENV, ProbeArgsError, parseProbeArgv } from './protocol';
import { Prober, systemClock } from './prober';
import { StreamListener } from './stream-listener';

const BATCH_MS = 250;
const round3 = (ms: number): number => Math.round(ms * 1000) / 1000;

function log(level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown> = {}): void {
  process.stderr.write(
    `${JSON.stringify({ level, timestamp: new Date().toISOString(), message, component: 'probe', ...fields })}\n`,
  );
}

function write(line: ProbeLine): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

function main(): void {
  let args;
  try {
    args = parseProbeArgv(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof ProbeArgsError)) throw err;
    log('error', 'invalid arguments', { error: err.message });
    process.exit(2);
  }
  const key = process.env[PROBE_KEY_ENV];
  if (!key) {
    log('error', `${PROBE_KEY_ENV} is not set`);
    process.exit(2);
  }

  let pending: ProbeSample[] = [];
  const flush = (): void => {
    if (pending.length === 0) return;
    write({ type: 'samples', samples: pending });
    pending = [];
  };
  const batchTimer = setInterval(flush, BATCH_MS);

  write({ type: 'hello', pid: process.pid, rateHz: args.rateHz, timeoutMs: args.timeoutMs });
  const prober = new Prober({
    apiUrl: args.apiUrl,
    key,
    rateHz: args.rateHz,
    timeoutMs: args.timeoutMs,
    spinMs: args.spinMs,
    onSample: (s) =>
      pending.push(
        s.ownMs === undefined
          ? [s.t, round3(s.latencyMs), s.ok, round3(s.lateMs)]
          : [s.t, round3(s.latencyMs), s.ok, round3(s.lateMs), round3(s.ownMs)],
      ),
    onSampling: (at) => write({ type: 'sampling', at, rateHz: args.rateHz }),
  });
  const listener = args.stream
    ? new StreamListener({
        apiUrl: args.apiUrl,
        key,
        demoPeerUrl: args.demoPeerUrl,
        clock: systemClock,
        onBlock: (block) => write({ type: 'block', ...block }),
        onConnected: (connected) => write({ type: 'stream', connected }),
        onWarning: (message, fields) => log('warn', message, fields),
      })
    : null;
  prober.start();
  listener?.start();

  let stopping = false;
  const shutdown = (why: string): void => {
    if (stopping) return;
    stopping = true;
    prober.stop();
    listener?.stop();
    clearInterval(batchTimer);
    flush();
    log('info', 'probe stopping', { why });
    // Let stdout drain to the pipe before exiting.
    process.stdout.write('', () => process.exit(0));
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  // The parent keeps our stdin open and never writes: end of file means it died.
  process.stdin.on('end', () => shutdown('parent stdin closed'));
  process.stdin.on('close', () => shutdown('parent stdin closed'));
  process.stdin.on('error', () => shutdown('parent stdin error'));
  process.stdin.resume();
  process.stdout.on('error', () => process.exit(0));
}

main();
