import { ConfigError, parseConfig } from './config';
import { createLogger } from './util/log';
import { Relay } from './relay';

/** Past this a stop that is still waiting on a socket is cut short: the contract says about 2 s. */
const STOP_DEADLINE_MS = 1800;

async function main(): Promise<void> {
  const bootLog = createLogger();
  let config;
  try {
    config = parseConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    bootLog.error('invalid configuration', { variable: err.variable, error: err.message });
    process.exit(2);
  }
  const log = createLogger({ level: config.logLevel, fields: { component: 'relay' } });
  const relay = new Relay(config, log);

  let stopping = false;
  const shutdown = (why: string): void => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { why });
    setTimeout(() => process.exit(0), STOP_DEADLINE_MS).unref();
    relay.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error('error while stopping', { error: err });
        process.exit(0);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  if (config.parentWatch) {
    // The panel spawns us with stdin as a pipe it never writes to: EOF means the panel is gone.
    process.stdin.on('end', () => shutdown('parent stdin closed'));
    process.stdin.on('close', () => shutdown('parent stdin closed'));
    process.stdin.on('error', () => shutdown('parent stdin error'));
    process.stdin.resume();
  }

  const ports = await relay.start();
  process.stdout.write(`${JSON.stringify({ event: 'listening', ...ports })}\n`);
}

main().catch((err: unknown) => {
  createLogger().error('relay failed', { error: err });
  process.exit(1);
});
