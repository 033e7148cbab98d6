import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Dispatch } from '../api/dispatcher';
import type { EventBus } from '../api/event-bus';
import { isOwnOrigin, newToken, TokenGate } from './auth';
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

/**
 * Headless mode: the panel's UI and API for a machine without a desktop. Binds 127.0.0.1 unless told
 * otherwise; every HTTP request and WebSocket upgrade without the token gets 401.
 */
export async function startHeadlessServer(options: HeadlessServerOptions): Promise<HeadlessServer> {
  const host = options.host ?? '127.0.0.1';
  const gate = new TokenGate(options.token ?? newToken());

  const server = http.createServer({ maxHeaderSize: 16 * 1024 }, (request, response) => {
    void (async () => {
      const carried = gate.check(request);
      if (!carried) {
        response.writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
        response.end(
          '401 Unauthorized: open the panel with the URL printed by `npm run serve` (it carries ?token=…).\n',
        );
        return;
      }
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

  const wss = attachWebSocketApi(server, {
    path: API_SOCKET_PATH,
    dispatch: options.dispatch,
    events: options.events,
    refuse: (request) => {
      if (!gate.check(request)) return { status: 401, reason: 'Unauthorized' };
      if (!isOwnOrigin(request.headers.origin, host, port)) return { status: 403, reason: 'Forbidden' };
      return null;
    },
  });

  const urlHost = host.includes(':') ? `[${host}]` : host;
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
