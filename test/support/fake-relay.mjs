// A minimal process honouring the relay contract's supervision surface (ports, /ready, /health,
// SIGTERM, SPRINT_PARENT_WATCH), with switches to misbehave, so supervisor tests can make a relay
// crash, hang or fork without depending on the real relay's Bitcoin behaviour.
//   FAKE_CRASH_AFTER_MS=N     exit 3 after N ms
//   FAKE_IGNORE_SIGTERM=1     ignore SIGTERM (the supervisor must SIGKILL the group)
//   FAKE_GRANDCHILD=1         start a sleeping grandchild in the same process group
//   FAKE_NEVER_READY=1        /ready answers 503 forever
import { spawn } from 'node:child_process';
import http from 'node:http';

const apiPort = Number(process.env.API_PORT);
const env = process.env;
const log = (level, message, fields = {}) =>
  process.stderr.write(
    JSON.stringify({ level, timestamp: new Date().toISOString(), message, ...fields }) + '\n',
  );

if (env.FAKE_GRANDCHILD === '1') {
  const grandchild = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  process.stdout.write(JSON.stringify({ event: 'grandchild', pid: grandchild.pid }) + '\n');
}

const api = http.createServer((_request, response) => response.end('{}')).listen(apiPort, '127.0.0.1');
const health = http
  .createServer((request, response) => {
    if (request.url === '/ready') {
      response.writeHead(env.FAKE_NEVER_READY === '1' ? 503 : 200).end();
    } else if (request.url === '/health') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          tier: env.TIER,
          upstream: { state: 'ready', peers: [{ address: env.BITCOIN_NODE, state: 'ready' }] },
        }),
      );
    } else {
      response.writeHead(404).end();
    }
  })
  .listen(apiPort + 1, '127.0.0.1', () => log('info', 'listening', { apiPort, tier: env.TIER }));

if (env.FAKE_CRASH_AFTER_MS) {
  setTimeout(() => {
    log('error', 'fake crash as asked');
    process.exit(3);
  }, Number(env.FAKE_CRASH_AFTER_MS));
}
process.on('SIGTERM', () => {
  if (env.FAKE_IGNORE_SIGTERM === '1') return log('warn', 'ignoring SIGTERM as asked');
  api.close();
  health.close();
  process.exit(0);
});
if (env.SPRINT_PARENT_WATCH === '1') {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}
