import http from 'node:http';
import type { DemoNode } from './node';

const MAX_MINE_PER_REQUEST = 1000;

function json(res: http.ServerResponse, status: number, body: unknown): void {
  const data = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) });
  res.end(data);
}

/**
 * Loopback control and ground truth for tests and the benchmark: which blocks were announced when,
 * and a way to mine on demand instead of waiting for the schedule.
 */
export function createDemoHttp(node: DemoNode): http.Server {
  const server = http.createServer((req, res) => {
    req.resume();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'GET' && url.pathname === '/blocks') return json(res, 200, node.records);
    if (req.method === 'GET' && url.pathname === '/tip') {
      const tip = node.chain.tip;
      return json(res, 200, {
        height: tip.height,
        hash: tip.header.hash,
        header: tip.header.raw.toString('hex'),
      });
    }
    if (req.method === 'POST' && url.pathname === '/mine') {
      const count = Number(url.searchParams.get('count') ?? '1');
      if (!Number.isInteger(count) || count < 1 || count > MAX_MINE_PER_REQUEST) {
        return json(res, 400, { error: `count must be an integer in 1..${MAX_MINE_PER_REQUEST}` });
      }
      node.mine(count).then(
        (blocks) => json(res, 200, blocks),
        (err: unknown) => json(res, 500, { error: String(err) }),
      );
      return;
    }
    json(res, 404, { error: 'not found' });
  });
  server.keepAliveTimeout = 60_000;
  return server;
}
