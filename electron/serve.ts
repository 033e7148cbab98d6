// Headless mode (`npm run serve`): the same services as the desktop app, with the UI and API served
// on 127.0.0.1 behind a random token, for relay boxes without a desktop and for browser tests.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createAppServices } from './services/app-services';
import { writePanelLink } from './services/headless/panel-link-file';
import { startHeadlessServer } from './services/headless/server';
import { defaultDataDir } from './services/paths';
import { relayResources } from './services/supervisor/relay-service';

function usage(problem: string): never {
  process.stderr.write(
    `${problem}\nUsage: npm run serve -- [--port N] [--host 127.0.0.1] [--no-open] [--data-dir DIR] [--token T]\n`,
  );
  process.exit(2);
}

function parseOptions() {
  try {
    const { values } = parseArgs({
      allowNegative: true,
      options: {
        port: { type: 'string', default: '0' },
        host: { type: 'string', default: '127.0.0.1' },
        open: { type: 'boolean', default: true },
        'data-dir': { type: 'string' },
        token: { type: 'string' },
      },
    });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      usage(`--port must be 0-65535, got "${values.port}".`);
    return { ...values, port };
  } catch (error) {
    usage(error instanceof Error ? error.message : String(error));
  }
}

function openBrowser(url: string): void {
  const opener =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', url]]
        : process.env.DISPLAY || process.env.WAYLAND_DISPLAY
          ? ['xdg-open', [url]]
          : null;
  if (!opener) return;
  const [command, args] = opener as [string, string[]];
  spawn(command, args, { detached: true, stdio: 'ignore' })
    .on('error', () => undefined)
    .unref();
}

async function main(): Promise<void> {
  const options = parseOptions();
  const here = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));
  const dataDir = options['data-dir'] ?? process.env.SPRINT_CONTROL_DATA_DIR ?? defaultDataDir();
  const services = createAppServices({
    dataDir,
    resources: relayResources(here('../relay')),
  });
  if (services.settings.notice) {
    process.stderr.write(
      `Settings file was ${services.settings.notice.problem}; kept it as ${services.settings.notice.backupPath} and used defaults.\n`,
    );
  }
  let server;
  try {
    server = await startHeadlessServer({
      dispatch: services.dispatch,
      events: services.events,
      rendererDir: here('../renderer'),
      downloadsDir: services.reportsDir,
      host: options.host,
      port: options.port,
      token: options.token,
      metrics: () => services.panelMetrics(),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'EADDRINUSE'
        ? `port ${options.port} on ${options.host} is already in use; pass --port 0 for a free one`
        : String(error);
    process.stderr.write(`Sprint Control could not start headless mode: ${reason}\n`);
    process.exit(1);
  }
  const removeLink = writePanelLink(dataDir, {
    url: server.url.replace(/\/\?token=.*$/, ''),
    token: server.token,
  });
  process.stdout.write(`Sprint Control listening on ${server.url}\n`);
  if (options.open) openBrowser(server.url);
  if (services.settings.get().startRelayOnLaunch) {
    services.dispatch('relay.start', {}, { signal: new AbortController().signal }).catch((error: unknown) => {
      process.stderr.write(
        `Relay did not start on launch: ${error instanceof Error ? error.message : String(error)}\n`,
      );
    });
  }

  let closing = false;
  const shutdown = async (): Promise<void> => {
    if (closing) return;
    closing = true;
    removeLink();
    await services.dispose();
    await server.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
  // If we die without a graceful path, leave no relay behind.
  process.on('exit', () => {
    removeLink();
    services.killNow();
  });
}

void main();
