import http from 'node:http';

/** GET a loopback URL with a short timeout; resolves the status and body, never rejects on HTTP errors. */
export function httpGet(url: string, timeoutMs = 1000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { timeout: timeoutMs, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        // A health document is small; anything huge is a misbehaving relay, not data to keep.
        if (size <= 1024 * 1024) chunks.push(chunk);
      });
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
      );
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    request.on('error', reject);
  });
}

export async function isHttpOk(url: string, timeoutMs = 500): Promise<boolean> {
  try {
    return (await httpGet(url, timeoutMs)).status === 200;
  } catch {
    return false;
  }
}
