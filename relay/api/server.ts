import http from 'node:http';
import type { Duplex } from 'node:stream';
import { performance } from 'node:perf_hooks';
import type { RateLimiter } from './ratelimit';
import type { LatestBlock } from './latest';
import type { Resume, StreamHub } from './streams';
import type { HeaderQueries } from './headers';

export const MAX_HEADER_BYTES = 16 * 1024;
export const MAX_BODY_BYTES = 1024;

export interface ApiDeps {
  readonly keys: ReadonlySet<string>;
  readonly limiter: RateLimiter;
  readonly latest: LatestBlock;
  readonly hub: StreamHub;
  readonly headers: HeaderQueries;
  readonly status: () => unknown;
  /** While catching up: the 503 body for /latest (reason and sync progress); null once live. */
  readonly notLive: () => string | null;
  /** Every answered request, with its route and HTTP status (401 and 429 included). */
  readonly observe: (latencyMs: number, route: Route, code: number) => void;
  readonly keepAliveMs: number;
}

const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' };
// Fixed error bodies are encoded once: rejections are the path a misbehaving client hammers.
const ERRORS = {
  401: Buffer.from('{"error":"missing or invalid API key"}'),
  404: Buffer.from('{"error":"not found"}'),
  405: Buffer.from('{"error":"method not allowed"}'),
  413: Buffer.from(`{"error":"request body over ${MAX_BODY_BYTES} bytes"}`),
  429: Buffer.from('{"error":"rate limit exceeded"}'),
  503: Buffer.from('{"error":"no block received yet"}'),
} as const;
type ErrorStatus = keyof typeof ERRORS;

function fail(res: http.ServerResponse, status: ErrorStatus, extra?: Record<string, string>): void {
  const body = ERRORS[status];
  res.writeHead(status, { ...JSON_HEADERS, 'content-length': String(body.length), ...extra });
  res.end(body);
}

/** Same refusals for a WebSocket upgrade, written on the raw socket before any handshake. */
function failUpgrade(socket: Duplex, status: ErrorStatus, extra: Record<string, string> = {}): void {
  const body = ERRORS[status];
  const head = [`HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}`, 'content-type: application/json'];
  for (const [k, v] of Object.entries(extra)) head.push(`${k}: ${v}`);
  head.push(`content-length: ${body.length}`, 'connection: close', '', '');
  socket.end(Buffer.concat([Buffer.from(head.join('\r\n')), body]));
}

export type Route = 'latest' | 'status' | 'events' | 'stream' | 'header' | 'headers';
const ROUTES: Readonly<Record<string, Route>> = {
  '/v1/btc/latest': 'latest',
  '/v1/btc/status': 'status',
  '/v1/btc/events': 'events',
  '/v1/btc/stream': 'stream',
  '/v1/btc/headers': 'headers',
};
const HEADER_PREFIX = '/v1/btc/header/';

function routeOf(path: string): Route | undefined {
  return ROUTES[path] ?? (path.startsWith(HEADER_PREFIX) ? 'header' : undefined);
}

/** A bad request with a reason the client can act on (only built for requests that passed the key). */
function badRequest(res: http.ServerResponse, error: string): void {
  const body = JSON.stringify({ error });
  res.writeHead(400, { ...JSON_HEADERS, 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

/**
 * Where a stream client resumes: `?since=SEQ` (and `&epoch=`), or on SSE the Last-Event-ID header
 * EventSource sends when it reconnects (newer than the URL's since, so it wins).
 */
export function resumeOf(req: http.IncomingMessage, query: string): Resume | string {
  const params = new URLSearchParams(query);
  const lastEventId = req.headers['last-event-id'];
  const raw = typeof lastEventId === 'string' && lastEventId !== '' ? lastEventId : params.get('since');
  const epoch = params.get('epoch');
  if (epoch !== null && !/^[A-Za-z0-9_-]{1,64}$/.test(epoch))
    return 'epoch must be the epoch of a stream message';
  if (raw === null) return { since: null, epoch };
  if (!/^\d{1,15}$/.test(raw))
    return `since must be the seq of the last message received (a whole number), got "${raw.slice(0, 40)}"`;
  return { since: Number(raw), epoch };
}

function splitUrl(url: string): { path: string; query: string } {
  const q = url.indexOf('?');
  return q === -1 ? { path: url, query: '' } : { path: url.slice(0, q), query: url.slice(q + 1) };
}

/** Browsers cannot set headers on EventSource or WebSocket, so the streams also take `?key=`. */
function keyOf(req: http.IncomingMessage, query: string, allowQuery: boolean): string | undefined {
  const header = req.headers['x-api-key'];
  if (typeof header === 'string') return header;
  if (!allowQuery || query === '') return undefined;
  return new URLSearchParams(query).get('key') ?? undefined;
}

type Gate = { ok: true } | { ok: false; status: ErrorStatus; extra?: Record<string, string> };

function gate(deps: ApiDeps, key: string | undefined): Gate {
  if (key === undefined || !deps.keys.has(key)) return { ok: false, status: 401 };
  const admission = deps.limiter.admit(key);
  if (!admission.ok) {
    return { ok: false, status: 429, extra: { 'retry-after': String(admission.retryAfterSeconds) } };
  }
  return { ok: true };
}

export function createApiServer(deps: ApiDeps): http.Server {
  const server = http.createServer({ maxHeaderSize: MAX_HEADER_BYTES, noDelay: true }, (req, res) => {
    const started = performance.now();
    const length = Number(req.headers['content-length'] ?? 0);
    if (length > MAX_BODY_BYTES) {
      res.setHeader('connection', 'close');
      return fail(res, 413);
    }
    if (req.headers['transfer-encoding'] !== undefined) return readBoundedBody(req, res, () => handle());
    handle();

    function handle(): void {
      const { path, query } = splitUrl(req.url ?? '/');
      const route = routeOf(path);
      if (!route || route === 'stream') return fail(res, 404);
      if (req.method !== 'GET' && req.method !== 'HEAD') return fail(res, 405, { allow: 'GET, HEAD' });
      const admitted = gate(deps, keyOf(req, query, route === 'events'));
      if (!admitted.ok) {
        fail(res, admitted.status, admitted.extra);
        return deps.observe(performance.now() - started, route, admitted.status);
      }
      if (route === 'events') {
        const resume = resumeOf(req, query);
        if (typeof resume === 'string') badRequest(res, resume);
        else deps.hub.addSse(req, res, resume);
        return deps.observe(performance.now() - started, route, typeof resume === 'string' ? 400 : 200);
      }
      if (route === 'header' || route === 'headers') {
        const answer =
          route === 'header'
            ? deps.headers.one(decodeURIComponent(path.slice(HEADER_PREFIX.length)))
            : deps.headers.page(new URLSearchParams(query));
        const body = JSON.stringify(answer.body);
        res.writeHead(answer.status, { ...JSON_HEADERS, 'content-length': String(Buffer.byteLength(body)) });
        res.end(req.method === 'HEAD' ? undefined : body);
        return deps.observe(performance.now() - started, route, answer.status);
      }
      let code = 200;
      const syncing = route === 'latest' ? deps.notLive() : null;
      if (syncing !== null) {
        code = 503;
        res.writeHead(503, {
          ...JSON_HEADERS,
          'content-length': String(Buffer.byteLength(syncing)),
          'retry-after': '1',
        });
        res.end(req.method === 'HEAD' ? undefined : syncing);
      } else if (route === 'latest') {
        const latest = deps.latest.response();
        if (!latest) fail(res, (code = 503), { 'retry-after': '1' });
        else {
          res.writeHead(200, latest.headers);
          res.end(req.method === 'HEAD' ? undefined : latest.body);
        }
      } else {
        const body = JSON.stringify(deps.status());
        res.writeHead(200, { ...JSON_HEADERS, 'content-length': String(Buffer.byteLength(body)) });
        res.end(req.method === 'HEAD' ? undefined : body);
      }
      deps.observe(performance.now() - started, route, code);
    }
  });
  server.keepAliveTimeout = deps.keepAliveMs;
  server.headersTimeout = Math.max(deps.keepAliveMs + 1000, 10_000);

  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const { path, query } = splitUrl(req.url ?? '/');
    if (ROUTES[path] !== 'stream') return failUpgrade(socket, 404);
    const admitted = gate(deps, keyOf(req, query, true));
    if (!admitted.ok) return failUpgrade(socket, admitted.status, admitted.extra);
    const resume = resumeOf(req, query);
    if (typeof resume === 'string') {
      const body = JSON.stringify({ error: resume });
      socket.end(
        `HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
      return;
    }
    req.socket.setNoDelay(true);
    deps.hub.wss.handleUpgrade(req, socket, head, (ws) => deps.hub.addWebSocket(ws, resume));
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // Oversized headers and garbage requests get a status instead of a silent reset.
    const status =
      err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    else socket.destroy();
  });
  return server;
}

/** Chunked bodies have no length up front: count as they arrive and refuse past the bound. */
function readBoundedBody(req: http.IncomingMessage, res: http.ServerResponse, next: () => void): void {
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES && !res.headersSent) {
      res.setHeader('connection', 'close');
      fail(res, 413);
      req.destroy();
    }
  });
  req.on('end', () => {
    if (!res.headersSent) next();
  });
}
