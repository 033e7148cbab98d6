import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { FetchError } from '../../../shared-node/http-get';

export { FetchError } from '../../../shared-node/http-get';

/**
 * Every remote call the fleet makes has one overall deadline covering connect, first byte and the
 * whole answer (a socket idle timeout alone lets a server dripping one byte every second hold a call
 * for ever), and a size cap. Both are per call, so one slow or large remote costs only its own row.
 */
export const FLEET_CALL_DEADLINE_MS = 3000;
/** Largest answer read from a relay's /metrics or /health, or a Prometheus query. */
export const FLEET_MAX_ANSWER_BYTES = 2 * 1024 * 1024;

export interface GetOptions {
  /** Connect + first byte + whole body, in ms. */
  readonly deadlineMs?: number;
  readonly maxBytes?: number;
  readonly headers?: Record<string, string>;
}

/** Keep-alive agents: the fleet polls the same few hosts every few seconds. */
const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 4 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 4 }),
};

function reasonOf(error: NodeJS.ErrnoException): string {
  if (error.code === 'ECONNREFUSED') return 'connection refused';
  return error.message;
}

/**
 * GET `url` and hand each chunk of the body to `onChunk`; resolves with the status once the body has
 * ended. Rejects with a FetchError naming the URL on the deadline, a failed connection or the cap.
 */
function streamGet(
  url: string,
  options: GetOptions,
  onChunk: (chunk: Buffer) => void,
): Promise<{ status: number; bytes: number }> {
  const deadlineMs = options.deadlineMs ?? FLEET_CALL_DEADLINE_MS;
  const maxBytes = options.maxBytes ?? FLEET_MAX_ANSWER_BYTES;
  const secure = url.startsWith('https:');
  const get = secure ? https.get : http.get;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (error: FetchError | null, value?: { status: number; bytes: number }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) {
        req.destroy();
        reject(error);
      } else resolve(value!);
    };
    const timer = setTimeout(
      () => finish(new FetchError(`${url}: no complete answer within ${deadlineMs} ms`)),
      deadlineMs,
    );
    const req = get(url, { agent: secure ? agents.https : agents.http, headers: options.headers }, (res) => {
      const status = res.statusCode ?? 0;
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        if (settled) return;
        bytes += chunk.length;
        if (bytes > maxBytes) {
          finish(new FetchError(`${url} answered more than ${maxBytes} bytes`, null, true));
          return;
        }
        try {
          onChunk(chunk);
        } catch (error) {
          finish(new FetchError(`${url}: ${error instanceof Error ? error.message : String(error)}`));
        }
      });
      res.on('end', () => finish(null, { status, bytes }));
      res.on('error', (err) => finish(new FetchError(`${url}: ${err.message}`)));
      res.on('aborted', () => finish(new FetchError(`${url}: the answer was cut off`)));
    });
    req.on('error', (err: NodeJS.ErrnoException) => finish(new FetchError(`${url}: ${reasonOf(err)}`)));
  });
}

/** GET a URL as text within the fleet's deadline and cap; a non-2xx status is a FetchError. */
export async function getText(url: string, options: GetOptions = {}): Promise<string> {
  const chunks: Buffer[] = [];
  const { status } = await streamGet(url, options, (chunk) => chunks.push(chunk));
  if (status >= 200 && status < 300) return Buffer.concat(chunks).toString('utf8');
  throw new FetchError(`${url} answered ${status}`, status);
}

/**
 * GET a URL into `file`, streaming to a hidden temporary beside it that is renamed only when whole;
 * refuses past `maxBytes` or the deadline and leaves nothing behind on failure.
 */
export async function downloadTo(url: string, file: string, options: GetOptions = {}): Promise<number> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.download`);
  const out = createWriteStream(temp, { mode: 0o600 });
  let writeError: Error | null = null;
  out.on('error', (error) => (writeError ??= error));
  try {
    const { status, bytes } = await streamGet(url, options, (chunk) => {
      if (writeError) throw writeError;
      out.write(chunk);
    });
    await new Promise<void>((resolve, reject) => {
      out.end(() => (writeError ? reject(writeError) : resolve()));
    });
    if (writeError) throw writeError;
    if (status < 200 || status >= 300) throw new FetchError(`${url} answered ${status}`, status);
    await rename(temp, file);
    return bytes;
  } catch (error) {
    out.destroy();
    await rm(temp, { force: true });
    throw error;
  }
}
