// Headless mode (`npm run serve`): the same services as the desktop app, with the UI and API served
// on 127.0.0.1 behind a random token, for relay boxes without a desktop and for browser tests.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createAppServices } from './services/app-services';
import { isWildcardHost, tokenProblem } from './services/headless/auth';
import { writePanelLink } from './services/headless/panel-link-file';
import { startHeadlessServer } from './services/headless/server';
import { chooseToken, TokenSourceError } from '../shared-node/token-source';
import { defaultDataDir } from '../shared-node/paths';
import { dataDirProblem } from './services/settings/private-files';
import { relayResources } from './services/supervisor/relay-service';

function usage(problem: string): never {
  process.stderr.write(
    `${problem}\nUsage: npm run serve -- [--port N] [--host 127.0.0.1] [--no-open] [--data-dir DIR] [--token-file FILE] [--allow-host NAME]…\n(or the token in SPRINT_CONTROL_TOKEN; --token T works but shows the token to every user in ps)\n`,
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
        'token-file': { type: 'string' },
        'allow-host': { type: 'string', multiple: true },
      },
    });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      usage(`--port must be 0-65535, got "${values.port}".`);
    let token: string | undefined;
    try {
      token = chooseToken({ tokenFile: values['token-file'], token: values.token });
    } catch (error) {
      if (error instanceof TokenSourceError) usage(error.message);
      throw error;
    }
    const problem = token === undefined ? null : tokenProblem(token);
    const source =
      values['token-file'] !== undefined
        ? '--token-file'
        : values.token !== undefined
          ? '--token'
          : 'SPRINT_CONTROL_TOKEN';
    if (problem) usage(`${source} refused: ${problem}.`);
    const allowHosts = values['allow-host'] ?? [];
    const badHost = allowHosts.find(
      (name) => !/^[A-Za-z0-9.-]{1,253}$|^\[?[0-9A-Fa-f:.]{2,45}\]?$/.test(name),
    );
    if (badHost !== undefined)
      usage(`--allow-host takes a host name or address without a port, got "${badHost}".`);
    return { ...values, port, allowHosts, token };
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

/** One line on stderr and a non-zero exit: an operator's mistake is not a crash to debug. */
function fail(message: string, code = 1): never {
  process.stderr.write(`Sprint Control could not start headless mode: ${message}\n`);
  process.exit(code);
}

function warnIfExposed(host: string): void {
  if (!isWildcardHost(host) && ['127.0.0.1', 'localhost', '::1'].includes(host)) return;
  process.stderr.write(
    `Warning: --host ${host} serves the panel beyond this machine: anyone who can reach the port and ` +
      'has the token controls the relay, over plain HTTP. Prefer 127.0.0.1 and an SSH tunnel.\n',
  );
}

async function main(): Promise<void> {
  const options = parseOptions();
  // Everything the panel writes (history, logs, reports, settings) is for its user only.
  process.umask(0o077);
  const here = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));
  const dataDir = options['data-dir'] ?? process.env.SPRINT_CONTROL_DATA_DIR ?? defaultDataDir();
  const problem = dataDirProblem(dataDir);
  if (problem) fail(`data folder ${problem}. Pass --data-dir with a folder (created if missing).`, 2);
  let services;
  try {
    services = createAppServices({ dataDir, resources: relayResources(here('../relay')) });
  } catch (error) {
    fail(`cannot use data folder ${dataDir}: ${error instanceof Error ? error.message : String(error)}`);
  }
  warnIfExposed(options.host);
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
      allowedHosts: options.allowHosts.map((name) => name.replace(/^\[|\]$/g, '')),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    fail(
      code === 'EADDRINUSE'
        ? `port ${options.port} on ${options.host} is already in use; pass --port 0 for a free one`
        : error instanceof Error
          ? error.message
          : String(error),
    );
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
