import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Dispatch } from '../api/dispatcher';
import type { EventBus } from '../api/event-bus';
import { reportFormatOfFile } from '../../../shared/report';
import type { IncomingMessage } from 'node:http';
import {
  isOwnOrigin,
  isServedHost,
  isWildcardHost,
  newToken,
  servedHosts,
  tokenProblem,
  TokenGate,
} from './auth';
import { DEFAULT_THROTTLE, FailureThrottle, type ThrottleOptions } from './throttle';
import { contentSecurityPolicy, readStatic } from './static-files';
import { attachWebSocketApi } from './ws-transport';

export interface HeadlessServerOptions {
  readonly dispatch: Dispatch;
  readonly events: EventBus;
  readonly rendererDir: string;
  /** Exported reports, offered as downloads at /reports/<file name>. */
  readonly downloadsDir?: string;
  readonly host?: string;
  readonly port?: number;
  readonly token?: string;
  /** GET /metrics (behind the token, e.g. Prometheus's bearer credentials): the panel's own metrics. */
  readonly metrics?: () => Promise<{ contentType: string; body: string }>;
  readonly throttle?: ThrottleOptions;
  /** More Host names to serve (`--allow-host`), e.g. the DNS name other machines reach it by. */
  readonly allowedHosts?: readonly string[];
}

export interface HeadlessServer {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

export const API_SOCKET_PATH = '/api/ws';

const SECURITY_HEADERS = {
  'Content-Security-Policy': contentSecurityPolicy(),
  'X-Content-Type-Options': 'nosniff',
  // The token travels in the first URL; it must never leak to another site through Referer.
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cache-Control': 'no-store',
};

type Admission =
  | { readonly ok: true; readonly carried: 'query' | 'cookie' | 'header' }
  | { readonly ok: false; readonly status: number; readonly text: string; readonly retryAfterS?: number };

const UNAUTHORIZED =
  '401 Unauthorized: open the panel with the URL printed by `npm run serve` (it carries ?token=…).';

/**
 * Headless mode: the panel's UI and API for a machine without a desktop. Binds 127.0.0.1 unless told
 * otherwise. Every HTTP request and WebSocket upgrade must name a Host the panel serves (421
 * otherwise: DNS rebinding) and carry the token (401); wrong tokens are throttled per address.
 */
export async function startHeadlessServer(options: HeadlessServerOptions): Promise<HeadlessServer> {
  const host = options.host ?? '127.0.0.1';
  const problem = options.token === undefined ? null : tokenProblem(options.token);
  if (problem) throw new Error(`--token refused: ${problem}`);
  const gate = new TokenGate(options.token ?? newToken());
  const throttle = new FailureThrottle(options.throttle ?? DEFAULT_THROTTLE);
  // Known once listening (the port may be ephemeral); no request is served before that.
  let served: ReadonlySet<string> = new Set();

  const admit = async (request: IncomingMessage): Promise<Admission> => {
    if (!isServedHost(request.headers.host, served)) {
      const named = JSON.stringify((request.headers.host ?? '').slice(0, 100));
      return {
        ok: false,
        status: 421,
        text: `421 Misdirected Request: this panel does not serve Host ${named}.`,
      };
    }
    // The token is checked first, in constant time, so no number of wrong guesses from any address
    // (127.0.0.1 is shared by every local client) can keep the right token out: only failures are
    // throttled, and only the failing address.
    const carried = gate.check(request);
    if (carried) return { ok: true, carried };
    const address = request.socket.remoteAddress ?? 'unknown';
    if (!gate.presented(request)) return { ok: false, status: 401, text: UNAUTHORIZED };
    if (!throttle.mayCheck(address)) {
      throttle.recordFailure(address);
      return {
        ok: false,
        status: 429,
        text: '429 Too Many Requests: too many wrong tokens.',
        retryAfterS: 5,
      };
    }
    await throttle.holdBack(address, throttle.recordFailure(address));
    return { ok: false, status: 401, text: UNAUTHORIZED };
  };

  const server = http.createServer({ maxHeaderSize: 16 * 1024 }, (request, response) => {
    void (async () => {
      const admission = await admit(request);
      if (!admission.ok) {
        response.writeHead(admission.status, {
          'Content-Type': 'text/plain; charset=utf-8',
          ...SECURITY_HEADERS,
          ...(admission.retryAfterS ? { 'Retry-After': String(admission.retryAfterS) } : {}),
        });
        response.end(`${admission.text}\n`);
        return;
      }
      const { carried } = admission;
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        response.writeHead(405, { Allow: 'GET, HEAD', ...SECURITY_HEADERS }).end();
        return;
      }
      const url = new URL(request.url ?? '/', 'http://localhost');
      if (url.pathname === '/metrics' && options.metrics) {
        const { contentType, body } = await options.metrics();
        response.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': contentType });
        response.end(request.method === 'HEAD' ? undefined : body);
        return;
      }
      const download = url.pathname.startsWith('/reports/') && options.downloadsDir;
      const file = download
        ? await readStatic(options.downloadsDir!, url.pathname.slice('/reports'.length))
        : await readStatic(options.rendererDir, url.pathname);
      if (!file) {
        response
          .writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS })
          .end('Not found\n');
        return;
      }
      const headers: Record<string, string> = { 'Content-Type': file.type, ...SECURITY_HEADERS };
      if (download) {
        const name = path.basename(decodeURIComponent(url.pathname));
        headers['Content-Disposition'] = `attachment; filename="${name.replace(/[^\w.-]/g, '_')}"`;
        // A report is served as its format's type (shared/report.ts), whatever the static table says.
        const format = reportFormatOfFile(name);
        if (format) headers['Content-Type'] = format.mime;
      }
      if (carried === 'query') headers['Set-Cookie'] = gate.cookieHeader();
      response.writeHead(200, headers);
      response.end(request.method === 'HEAD' ? undefined : file.body);
    })().catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  served = servedHosts(host, port, undefined, options.allowedHosts);

  const wss = attachWebSocketApi(server, {
    path: API_SOCKET_PATH,
    dispatch: options.dispatch,
    events: options.events,
    refuse: async (request) => {
      const admission = await admit(request);
      if (!admission.ok) return { status: admission.status, reason: admission.text.replace(/^\d+ /, '') };
      if (!isOwnOrigin(request.headers.origin, served)) return { status: 403, reason: 'Forbidden' };
      return null;
    },
  });

  // A wildcard bind serves loopback too; that is the address to open on this machine.
  const shown = isWildcardHost(host) ? '127.0.0.1' : host;
  const urlHost = shown.includes(':') ? `[${shown}]` : shown;
  return {
    url: `http://${urlHost}:${port}/?token=${gate.token}`,
    port,
    token: gate.token,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
