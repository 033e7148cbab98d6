// A relay that breaks one clause of the contract at a time, for the conformance check's own tests.
// It runs the built-in relay (RELAY_SCRIPT) behind itself on ephemeral ports and serves API_PORT
// (raw TCP, so the WebSocket stream passes) and API_PORT+1 (health, altered per BREAK):
//   BREAK=metric-type        /metrics declares bitcoin_sprint_peers a counter
//   BREAK=no-ready           /ready answers 404
//   BREAK=ignore-sigterm     SIGTERM is ignored
//   BREAK=ignore-gomemlimit  reports a Go runtime with no memory limit (as if GOMEMLIMIT were ignored)
//   BREAK=huge-metrics       /metrics answers 9 MiB
//   FAKE_GO=1                reports a Go runtime that honours GOGC/GOMAXPROCS/GOMEMLIMIT
import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { createInterface } from 'node:readline';

const BREAK = process.env.BREAK ?? '';
const apiPort = Number(process.env.API_PORT);
const inner = spawn(process.execPath, [process.env.RELAY_SCRIPT], {
  // The inner relay exits when our stdin pipe to it closes, so it never outlives us (even on SIGKILL).
  env: { ...process.env, API_PORT: '0', SPRINT_PARENT_WATCH: '1' },
  stdio: ['pipe', 'pipe', 'inherit'],
});
inner.on('exit', (code) => process.exit(code ?? 1));

if (BREAK === 'ignore-sigterm') process.on('SIGTERM', () => {});
else process.on('SIGTERM', () => inner.kill('SIGTERM'));

const innerPorts = await new Promise((resolve) => {
  createInterface({ input: inner.stdout }).on('line', (line) => {
    const event = JSON.parse(line);
    if (event.event === 'listening') resolve(event);
  });
});

net
  .createServer((socket) => {
    const upstream = net.connect(innerPorts.apiPort, '127.0.0.1');
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  })
  .listen(apiPort, '127.0.0.1');

const GO_NO_LIMIT = '9223372036854775807';
const fakeGo = process.env.FAKE_GO === '1' || BREAK === 'ignore-gomemlimit';

function alter(path, body) {
  if (path === '/metrics' && BREAK === 'metric-type') {
    return body.replace('# TYPE bitcoin_sprint_peers gauge', '# TYPE bitcoin_sprint_peers counter');
  }
  if (path === '/health' && fakeGo) {
    const mib = Number((process.env.GOMEMLIMIT ?? '').replace(/MiB$/, ''));
    const limit = BREAK === 'ignore-gomemlimit' || !mib ? GO_NO_LIMIT : String(mib * 1024 * 1024);
    const runtime =
      `"runtime":{"memory_limit":${limit},"gogc":${JSON.stringify(process.env.GOGC ?? '100')},` +
      `"gomaxprocs":${Number(process.env.GOMAXPROCS ?? 1)},`;
    return body.replace('"runtime":{', runtime).replace('"name":"node"', '"name":"go"');
  }
  return body;
}

http
  .createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics' && BREAK === 'huge-metrics') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const line = `# ${'x'.repeat(1022)}\n`;
      for (let i = 0; i < 9 * 1024; i++) res.write(line);
      res.end();
      return;
    }
    if (path === '/ready' && BREAK === 'no-ready') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    http.get({ host: '127.0.0.1', port: innerPorts.healthPort, path: req.url }, (answer) => {
      let body = '';
      answer.setEncoding('utf8');
      answer.on('data', (chunk) => (body += chunk));
      answer.on('end', () => {
        res.writeHead(answer.statusCode ?? 500, {
          'content-type': answer.headers['content-type'] ?? 'text/plain',
        });
        res.end(alter(path, body));
      });
    });
  })
  .listen(apiPort + 1, '127.0.0.1');
