import http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { RelayHealth } from '../../shared/relay-contract';
import type { RelayMetrics } from './metrics';

export interface HealthDeps {
  readonly metrics: RelayMetrics;
  readonly isReady: () => boolean;
  readonly health: (runtime: { eventLoopDelayMs: { p50: number; p99: number; max: number } }) => RelayHealth;
}

/**
 * /ready, /health and /metrics on their own port with no key: the panel and Prometheus poll these
 * without ever competing with API clients for rate-limit tokens.
 */
export function createHealthServer(deps: HealthDeps): { server: http.Server; stop: () => void } {
  const resolutionMs = 10;
  const loopDelay = monitorEventLoopDelay({ resolution: resolutionMs });
  loopDelay.enable();
  // The histogram records each sampling interval whole (about `resolution` when idle); the delay is
  // what exceeds it.
  const ns = (v: number): number => Math.max(0, Math.round(v / 1000) / 1000 - resolutionMs);

  const server = http.createServer({ maxHeaderSize: 16 * 1024, noDelay: true }, (req, res) => {
    req.resume();
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, body: string, type = 'application/json'): void => {
      res.writeHead(status, {
        'content-type': type,
        'content-length': Buffer.byteLength(body),
        'cache-control': 'no-store',
      });
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, '{"error":"method not allowed"}');
    if (path === '/ready') return deps.isReady() ? send(200, '{"ready":true}') : send(503, '{"ready":false}');
    if (path === '/health') {
      const eventLoopDelayMs = {
        p50: ns(loopDelay.percentile(50)),
        p99: ns(loopDelay.percentile(99)),
        max: ns(loopDelay.max),
      };
      return send(200, JSON.stringify(deps.health({ eventLoopDelayMs })));
    }
    if (path === '/metrics' || path === '/metrics/compat') {
      const registry = path === '/metrics' ? deps.metrics.registry : deps.metrics.compatRegistry;
      registry.metrics().then(
        (text) => send(200, text, registry.contentType),
        (err: unknown) => send(500, JSON.stringify({ error: String(err) })),
      );
      return;
    }
    send(404, '{"error":"not found"}');
  });
  return { server, stop: () => loopDelay.disable() };
}
