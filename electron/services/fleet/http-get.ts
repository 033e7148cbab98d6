import http from 'node:http';
import https from 'node:https';
import { FetchError, requestText, type GetOptions } from '../net/http-get';

export { FetchError, type GetOptions } from '../net/http-get';

/** Keep-alive agents: the fleet polls the same few hosts every few seconds. */
const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 4 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 4 }),
};

/** GET a URL as text, failing with a FetchError that names the URL and what happened. */
export async function getText(url: string, options: GetOptions = {}): Promise<string> {
  const agent = url.startsWith('https:') ? agents.https : agents.http;
  const { status, body } = await requestText(url, { agent, ...options });
  if (status >= 200 && status < 300) return body;
  throw new FetchError(`${url} answered ${status}`, status);
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
