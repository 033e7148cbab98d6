import http from 'node:http';
import https from 'node:https';

/**
 * The one HTTP GET helper of the main process, the probe and the CLI: the supervisor's loopback
 * health checks, the resource sampler's /health read, the probe's demo-peer lookups, the fleet's
 * polling of other panels and Prometheus, and the CLI's report download all go through it.
 *
 * shared-node/ holds what electron/services/ and cli/ both need and only Node can run (sockets,
 * files, /proc): shared/ must stay browser-safe, and cli/ may not import electron/.
 */

export class FetchError extends Error {
  override readonly name = 'FetchError';
  constructor(
    message: string,
    /** The HTTP status when the server answered, else null (refused, timed out, too large). */
    readonly status: number | null = null,
    /** The body passed `maxBytes`: the server answered, but with more than the caller will hold. */
    readonly tooLarge = false,
  ) {
    super(message);
  }
}

export interface GetOptions {
  readonly timeoutMs?: number;
  readonly maxBytes?: number;
  readonly headers?: Record<string, string>;
  /** Keep-alive agent for hosts polled every few seconds; false: a fresh connection each time. */
  readonly agent?: http.Agent | false;
}

/**
 * GET a URL as bytes, whatever its status; rejects with a FetchError naming the URL when there is no
 * answer in time, the connection fails, or the body is larger than `maxBytes`.
 */
export function requestBytes(
  url: string,
  options: GetOptions = {},
): Promise<{ status: number; body: Buffer }> {
  const timeoutMs = options.timeoutMs ?? 4000;
  const maxBytes = options.maxBytes ?? 4 * 1024 * 1024;
  const get = url.startsWith('https:') ? https.get : http.get;
  return new Promise((resolve, reject) => {
    const req = get(url, { agent: options.agent, headers: options.headers, timeout: timeoutMs }, (res) => {
      const status = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          req.destroy();
          reject(new FetchError(`${url} answered more than ${maxBytes} bytes`, null, true));
        } else chunks.push(chunk);
      });
      res.on('end', () => resolve({ status, body: Buffer.concat(chunks) }));
      res.on('error', (err) => reject(new FetchError(`${url}: ${err.message}`)));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err: NodeJS.ErrnoException) =>
      reject(new FetchError(`${url}: ${err.code === 'ECONNREFUSED' ? 'connection refused' : err.message}`)),
    );
  });
}

/** GET a URL as UTF-8 text, whatever its status (see `requestBytes` for the errors). */
export async function requestText(
  url: string,
  options: GetOptions = {},
): Promise<{ status: number; body: string }> {
  const { status, body } = await requestBytes(url, options);
  return { status, body: body.toString('utf8') };
}

/**
 * GET a URL and parse its body as JSON, whatever its status: a relay's /health still answers with
 * its figures while it is syncing (503). Rejects with a FetchError when the body is not JSON.
 */
export async function requestJson(
  url: string,
  options: GetOptions = {},
): Promise<{ status: number; body: unknown }> {
  const { status, body } = await requestText(url, options);
  try {
    return { status, body: JSON.parse(body) as unknown };
  } catch {
    throw new FetchError(`${url} answered ${status} with a body that is not JSON`, status);
  }
}
