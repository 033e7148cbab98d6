import { requestText } from '../../../shared-node/http-get';

/** GET a loopback URL with a short timeout; resolves the status and body, never rejects on HTTP errors. */
export function httpGet(url: string, timeoutMs = 1000): Promise<{ status: number; body: string }> {
  // A fresh connection each time (the relay restarts under us); a health document is small, so
  // anything past a megabyte is a misbehaving relay, not data to keep.
  return requestText(url, { timeoutMs, maxBytes: 1024 * 1024, agent: false });
}

export async function isHttpOk(url: string, timeoutMs = 500): Promise<boolean> {
  try {
    return (await httpGet(url, timeoutMs)).status === 200;
  } catch {
    return false;
  }
}
