import net from 'node:net';
import { parseArgs } from 'node:util';
import { ATTACKS } from './attacks';
import { buildChain } from './chain';
import { type Emit, Session } from './session';

/**
 * The hostile peer: a regtest "node" on 127.0.0.1 that the relay connects to (BITCOIN_NODE), serves
 * it a valid chain, then runs one named attack on every connection. It shares no code with relay/.
 *   node hostile-peer.mjs --attack ping-flood [--chain 4000] [--count N] [--seconds 10] [--after ms]
 *     [--delay ms: wait after the relay synced, so a test can take its baseline first]
 * Events are JSON lines on stdout: listening, connected, synced, attack-done, closed.
 */
const { values } = parseArgs({
  options: {
    attack: { type: 'string' },
    port: { type: 'string', default: '0' },
    chain: { type: 'string', default: '10' },
    count: { type: 'string' },
    seconds: { type: 'string', default: '10' },
    after: { type: 'string', default: '0' },
    delay: { type: 'string', default: '0' },
  },
});

const attack = ATTACKS[values.attack ?? ''];
if (!attack) {
  process.stderr.write(`unknown --attack ${values.attack}; one of ${Object.keys(ATTACKS).join(', ')}\n`);
  process.exit(2);
}
const emit: Emit = (event, fields = {}) => process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);
const chain = buildChain(Number(values.chain));
const count = values.count === undefined ? attack.defaultCount : Number(values.count);
const seconds = Number(values.seconds);
let connections = 0;

const server = net.createServer((socket) => {
  const n = connections++;
  emit('connected', { n, at: Date.now() });
  new Session(n, socket, chain, emit, (s) => {
    setTimeout(() => {
      const started = Date.now();
      emit('attack-started', { n, at: started });
      attack
        .run(s, { count, deadline: started + seconds * 1000, afterMs: Number(values.after), chain })
        .then((sent) => emit('attack-done', { n, sent, ms: Date.now() - started, relayClosed: s.closed }))
        .catch((err: unknown) => emit('attack-failed', { n, error: String(err) }));
    }, Number(values.delay));
  });
});
server.listen(Number(values.port), '127.0.0.1', () => {
  const addr = server.address();
  emit('listening', { port: typeof addr === 'object' && addr ? addr.port : 0, attack: values.attack });
});
process.on('SIGTERM', () => process.exit(0));
