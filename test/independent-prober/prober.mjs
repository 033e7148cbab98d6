// An independent fixed-schedule prober, to check the panel's probe against. It shares no code with
// the panel (nothing from electron/, shared/ or relay/, no http module): its own HTTP/1.1 keep-alive
// client over raw TCP sockets, and a busy-wait to each intended send time.
//
//   node prober.mjs --url http://127.0.0.1:PORT/v1/btc/latest --key KEY --rate HZ
//                   --start EPOCH_MS --duration MS [--timeout MS] [--warmup MS]
//
// Slot k is due at start + k/rate. For each slot it records the intended send time, the actual send
// time and the completion time (epoch ms, sub-millisecond), whether a 200 with its whole body came
// back, and this tool's own time in that window: how long its event loop was busy (not waiting on the
// socket) between the write and the answer's arrival. A Node client's reading includes its own work
// (timers, a spin for the next slot, garbage collection); with it, a reader can tell what part of a
// figure is this tool and what part is the server. Time from intended = done − intended; service time = done − sent. One JSON document on stdout
// when the last slot has completed or timed out. With --warmup, slots on the same schedule run for that
// long before --start and are left out of the document: a fresh process runs its first few hundred
// requests in unoptimised code, which would be this tool's own time, not the server's.
import net from 'node:net';
import { performance } from 'node:perf_hooks';

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  if (i === -1) {
    if (fallback === undefined) throw new Error(`--${name} is required`);
    return fallback;
  }
  return process.argv[i + 1];
}

const url = new URL(arg('url'));
const key = arg('key');
const rate = Number(arg('rate'));
const start = Number(arg('start'));
const duration = Number(arg('duration'));
const timeoutMs = Number(arg('timeout', '1000'));
const warmupMs = Number(arg('warmup', '0'));
const MAX_CONNECTIONS = 32;
/**
 * Sleep on timers until this close to a slot, then spin: timers are only good to a millisecond. A
 * longer spin made the scheduler treat the prober as a CPU hog and wake it late for its answers (3 ms),
 * and a spin that keeps one core hot while the panel's does not favours the prober on an idle machine
 * (1.5 ms: +0.05 ms at p50 for the panel). 1.25 ms is the panel's own window at the 5 ms tiers.
 */
const SPIN_WINDOW_MS = 1.25;
/** The empty write goes this long before a send: the panel's WARM_LEAD_MS. */
const WARM_LEAD_MS = 0.1;
const EMPTY = Buffer.alloc(0);
const READ_BUFFER = Buffer.alloc(64 * 1024);

const now = () => performance.timeOrigin + performance.now();
const request = Buffer.from(
  `GET ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nX-API-Key: ${key}\r\nAccept: application/json\r\nConnection: keep-alive\r\n\r\n`,
);

/**
 * One keep-alive connection carrying one request at a time. Parses just enough HTTP/1.1: the status
 * line, Content-Length or chunked bodies.
 */
class Connection {
  constructor(onFree) {
    this.onFree = onFree;
    this.busy = null;
    this.buffer = Buffer.alloc(0);
    this.dead = false;
    // Reads straight from the handle (onread), not through the stream's 'data' machinery, and an empty
    // write just before each send (warm): at 50 Hz both paths otherwise run cold, 0.05–0.1 ms at p50 of
    // this tool's own time against the C prober (c-prober.c), which the panel's probe no longer spends.
    this.socket = net.connect({
      host: url.hostname,
      port: Number(url.port),
      noDelay: true,
      onread: {
        buffer: READ_BUFFER,
        callback: (n, buf) => {
          const arrived = now();
          // Busy time since the write: event-loop utilisation's active share, not time spent in epoll.
          const own = this.busy?.loopAtWrite
            ? performance.eventLoopUtilization(this.busy.loopAtWrite).active
            : undefined;
          this.onData(Buffer.from(buf.subarray(0, n)), arrived, own);
          return true;
        },
      },
    });
    const die = () => this.die();
    this.socket.on('error', die);
    this.socket.on('close', die);
  }

  send(slot) {
    this.busy = slot;
    slot.sent = now();
    this.socket.write(request);
    slot.loopAtWrite = performance.eventLoopUtilization();
  }

  warm() {
    if (!this.dead && !this.busy) this.socket.write(EMPTY);
  }

  // Stamped on arrival (by the caller): the parsing below runs in cold code at 50 Hz and is this tool's
  // own time.
  onData(chunk, arrived, own) {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end === -1 || !this.busy) return;
    const head = this.buffer.subarray(0, end).toString('latin1');
    const status = Number(head.split(' ')[1]);
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    let bodyEnd;
    if (length) {
      bodyEnd = end + 4 + Number(length[1]);
      if (this.buffer.length < bodyEnd) return;
    } else if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
      const last = this.buffer.indexOf('\r\n0\r\n\r\n', end);
      if (last === -1) return;
      bodyEnd = last + 7;
    } else {
      return this.die();
    }
    const slot = this.busy;
    this.busy = null;
    this.buffer = this.buffer.subarray(bodyEnd);
    complete(slot, status === 200, arrived, own);
    this.onFree(this);
  }

  die() {
    if (this.dead) return;
    this.dead = true;
    this.socket.destroy();
    const slot = this.busy;
    this.busy = null;
    if (slot) complete(slot, false);
    this.onFree(this);
  }
}

const idle = [];
const all = new Set();
const results = [];
const total = Math.round((duration / 1000) * rate);
const first = -Math.round((warmupMs / 1000) * rate);
let finished = 0;

function complete(slot, ok, at = now(), own = undefined) {
  if (slot.done !== undefined) return;
  slot.done = at;
  slot.ok = ok;
  slot.own = own;
  clearTimeout(slot.timer);
  finished++;
  if (finished === total - first) report();
}

function release(connection) {
  if (connection.dead) all.delete(connection);
  else idle.push(connection);
}

function connection() {
  for (let c = idle.pop(); c; c = idle.pop()) if (!c.dead) return c;
  if (all.size >= MAX_CONNECTIONS) return null;
  const c = new Connection(release);
  all.add(c);
  return c;
}

const dueAt = (k) => start + (k * 1000) / rate;

/** A slot's record and its timeout, made before the spin so that nothing but the write follows it. */
function prepare(k) {
  const slot = { k, intended: dueAt(k), sent: undefined, done: undefined, ok: false };
  results.push(slot);
  slot.timer = setTimeout(() => complete(slot, false), Math.max(0, slot.intended + timeoutMs - now()));
  return slot;
}

function fire(slot, c = connection()) {
  if (c) c.send(slot);
  else slot.sent = now(); // every connection is stuck: the slot waits out its timeout, unsent
}

/**
 * All book-keeping (the slot's record and timer, the timer for the next slot) happens before the spin,
 * and the write is the last thing before this process sleeps: work done while the request is in flight
 * competes with the server for a core on a loaded 2-core machine, and was this tool's own time (0.03 ms
 * at p90 under load when the timers were made after the write).
 */
function schedule(k) {
  if (k >= total) return;
  const wait = dueAt(k) - now() - SPIN_WINDOW_MS;
  if (wait > 0) {
    setTimeout(() => schedule(k), wait);
    return;
  }
  const slot = prepare(k);
  // Slots that fell due while we were frozen go out at once, each still measured from its own time.
  const late = [];
  let next = k + 1;
  while (next < total && dueAt(next) <= now() + SPIN_WINDOW_MS) late.push(prepare(next++));
  if (next < total) setTimeout(() => schedule(next), Math.max(0, dueAt(next) - now() - SPIN_WINDOW_MS));
  const c = connection();
  while (now() < slot.intended - WARM_LEAD_MS) {
    // busy-wait: the send goes out at its intended time, not at a timer's
  }
  c?.warm();
  while (now() < slot.intended) {
    // the last stretch after the warm-up write
  }
  fire(slot, c);
  for (const s of late) {
    while (now() < s.intended) {
      // a slot inside the spin window also leaves exactly on time
    }
    fire(s);
  }
}

function report() {
  const samples = results
    .filter((s) => s.k >= 0)
    .sort((a, b) => a.k - b.k)
    .map((s) => [s.intended, s.sent ?? s.intended, s.done ?? s.intended + timeoutMs, s.ok, s.own ?? 0]);
  process.stdout.write(`${JSON.stringify({ rate, start, duration, samples })}\n`, () => process.exit(0));
  for (const c of all) c.socket.destroy();
}

// Open one connection ahead of time, so the first slot does not pay the TCP handshake.
idle.push(connection());
schedule(first);
