import http from 'node:http';
import https from 'node:https';

export class FetchError extends Error {
  override readonly name = 'FetchError';
  constructor(
    message: string,
    /** The HTTP status when the server answered, else null (refused, timed out, too large). */
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

export interface GetOptions {
  readonly timeoutMs?: number;
  readonly maxBytes?: number;
  readonly headers?: Record<string, string>;
}

/** Keep-alive agents: the fleet polls the same few hosts every few seconds. */
const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 4 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 4 }),
};

/** GET a URL as text, failing with a FetchError that names the URL and what happened. */
export function getText(url: string, options: GetOptions = {}): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 4000;
  const maxBytes = options.maxBytes ?? 4 * 1024 * 1024;
  const secure = url.startsWith('https:');
  const get = secure ? https.get : http.get;
  return new Promise((resolve, reject) => {
    const req = get(
      url,
      { agent: secure ? agents.https : agents.http, headers: options.headers, timeout: timeoutMs },
      (res) => {
        const status = res.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            req.destroy();
            reject(new FetchError(`${url} answered more than ${maxBytes} bytes`));
          } else chunks.push(chunk);
        });
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          if (status >= 200 && status < 300) resolve(body);
          else reject(new FetchError(`${url} answered ${status}`, status));
        });
        res.on('error', (err) => reject(new FetchError(`${url}: ${err.message}`)));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err: NodeJS.ErrnoException) =>
      reject(new FetchError(`${url}: ${err.code === 'ECONNREFUSED' ? 'connection refused' : err.message}`)),
    );
  });
}

/** GET a URL into a file, streaming, refusing past `maxBytes`; the partial file is removed on failure. */
export async function downloadTo(url: string, file: string, options: GetOptions = {}): Promise<number> {
  const { createWriteStream } = await import('node:fs');
  const { rm } = await import('node:fs/promises');
  const maxBytes = options.maxBytes ?? 256 * 1024 * 1024;
  const secure = url.startsWith('https:');
  const get = secure ? https.get : http.get;
  try {
    return await new Promise<number>((resolve, reject) => {
      const req = get(url, { headers: options.headers, timeout: options.timeoutMs ?? 30_000 }, (res) => {
        const status = res.statusCode ?? 0;
        if (status < 200 || status >= 300) {
          res.resume();
          return reject(new FetchError(`${url} answered ${status}`, status));
        }
        const out = createWriteStream(file, { mode: 0o600 });
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) req.destroy(new Error(`more than ${maxBytes} bytes`));
        });
        res.pipe(out);
        out.on('finish', () => resolve(size));
        out.on('error', reject);
        res.on('error', (err) => reject(new FetchError(`${url}: ${err.message}`)));
      });
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', (err) => reject(new FetchError(`${url}: ${err.message}`)));
    });
  } catch (error) {
    await rm(file, { force: true });
    throw error;
  }
}
