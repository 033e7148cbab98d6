import http from 'node:http';
import WebSocket from 'ws';
import { Collector } from './processes';

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export function request(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; agent?: http.Agent } = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, agent: options.agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

export async function getJson<T = unknown>(
  url: string,
  headers?: Record<string, string>,
): Promise<{ status: number; json: T }> {
  const res = await request(url, { headers });
  return { status: res.status, json: JSON.parse(res.body) as T };
}

export interface StreamClient<T> {
  readonly messages: Collector<T>;
  close(): void;
}

/** Resolves once the upgrade succeeded; rejects with the HTTP status when the relay refuses it. */
export function openWebSocket<T>(
  url: string,
  headers?: Record<string, string>,
): Promise<StreamClient<T> & { ws: WebSocket }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers, perMessageDeflate: false });
    const messages = new Collector<T>();
    ws.on('message', (data) => messages.push(JSON.parse(String(data)) as T));
    ws.once('open', () => resolve({ ws, messages, close: () => ws.terminate() }));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode ?? 0}`)));
    ws.once('error', reject);
  });
}

/** A minimal EventSource: resolves once the relay has accepted the subscription. */
export function openSse<T>(url: string, headers?: Record<string, string>): Promise<StreamClient<T>> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`HTTP ${res.statusCode ?? 0}`));
        return;
      }
      const messages = new Collector<T>();
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = event
            .split('\n')
            .filter((l) => l.startsWith('data: '))
            .map((l) => l.slice(6))
            .join('\n');
          if (data) messages.push(JSON.parse(data) as T);
        }
      });
      resolve({ messages, close: () => req.destroy() });
    });
    req.on('error', reject);
  });
}
