/**
 * Reading the relay's HTTP/1.1 answers for the probe's client (http-client.ts): where a complete
 * response ends and its status, by Content-Length or chunked encoding; anything else is an error.
 */
export class ProbeHttpError extends Error {
  override readonly name = 'ProbeHttpError';
}

const HEADER_END = Buffer.from('\r\n\r\n');

type Parsed = { status: number; end: number; close: boolean };

const CONTENT_LENGTH = [Buffer.from('\r\ncontent-length:'), Buffer.from('\r\nContent-Length:')];
const UNUSUAL = [
  '\r\ntransfer-encoding:',
  '\r\nTransfer-Encoding:',
  '\r\nconnection: close',
  '\r\nConnection: close',
].map((s) => Buffer.from(s));

/** Where a complete response ends in `buf` and its status, or null while more bytes are needed. */
export function parseResponse(buf: Buffer): Parsed | null {
  const headEnd = buf.indexOf(HEADER_END);
  if (headEnd === -1) return null;
  return parseUsual(buf, headEnd) ?? parseAny(buf, headEnd);
}

const digit = (b: number | undefined): number => (b !== undefined && b >= 0x30 && b <= 0x39 ? b - 0x30 : -1);

/**
 * The relay's usual answer (HTTP/1.1, Content-Length, keep-alive) read with a few Buffer searches and
 * no strings: at 50 Hz the probe's code stays cold in V8, and splitting and lower-casing every header
 * line there measured 0.05–0.1 ms per answer, charged to the relay. Anything else: `parseAny`.
 */
function parseUsual(buf: Buffer, headEnd: number): Parsed | null | undefined {
  if (buf.toString('latin1', 0, 9) !== 'HTTP/1.1 ') return undefined;
  const [a, b, c] = [digit(buf[9]), digit(buf[10]), digit(buf[11])];
  if (a < 0 || b < 0 || c < 0) return undefined;
  for (const marker of UNUSUAL) {
    const at = buf.indexOf(marker);
    if (at !== -1 && at < headEnd) return undefined;
  }
  let at = -1;
  for (const marker of CONTENT_LENGTH) {
    at = buf.indexOf(marker);
    if (at !== -1 && at < headEnd) {
      at += marker.length;
      break;
    }
    at = -1;
  }
  if (at === -1) return undefined;
  let length = 0;
  let digits = 0;
  for (; at < headEnd; at++) {
    const byte = buf[at];
    if (byte === 0x20 && digits === 0) continue;
    const d = digit(byte);
    if (d < 0) break;
    length = length * 10 + d;
    digits++;
  }
  if (digits === 0 || digits > 9 || (buf[at] !== 0x0d && buf[at] !== 0x20)) return undefined;
  const end = headEnd + HEADER_END.length + length;
  return buf.length >= end ? { status: a * 100 + b * 10 + c, end, close: false } : null;
}

function parseAny(buf: Buffer, headEnd: number): Parsed | null {
  const head = buf.subarray(0, headEnd).toString('latin1');
  const lines = head.split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
  if (!status)
    throw new ProbeHttpError(`not an HTTP/1.x response: ${JSON.stringify((lines[0] ?? '').slice(0, 40))}`);
  let length: number | null = null;
  let chunked = false;
  let close = /^HTTP\/1\.0/.test(lines[0] ?? '');
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line
      .slice(colon + 1)
      .trim()
      .toLowerCase();
    if (name === 'content-length') length = Number(value);
    else if (name === 'transfer-encoding') chunked = value.split(',').some((v) => v.trim() === 'chunked');
    else if (name === 'connection') close = value === 'close';
  }
  const bodyStart = headEnd + HEADER_END.length;
  if (chunked) {
    const end = chunkedEnd(buf, bodyStart);
    return end === null ? null : { status: Number(status[1]), end, close };
  }
  if (length === null || !Number.isInteger(length) || length < 0) {
    throw new ProbeHttpError('response without a usable Content-Length or chunked encoding');
  }
  const end = bodyStart + length;
  return buf.length >= end ? { status: Number(status[1]), end, close } : null;
}

/** End of a chunked body (after the last chunk and trailers), or null while incomplete. */
function chunkedEnd(buf: Buffer, from: number): number | null {
  let at = from;
  for (;;) {
    const lineEnd = buf.indexOf('\r\n', at);
    if (lineEnd === -1) return null;
    const size = Number.parseInt(buf.subarray(at, lineEnd).toString('latin1').split(';')[0] ?? '', 16);
    if (!Number.isFinite(size) || size < 0) throw new ProbeHttpError('malformed chunk size');
    if (size === 0) {
      const trailersEnd = buf.indexOf(HEADER_END, lineEnd);
      if (buf.subarray(lineEnd, lineEnd + 4).equals(HEADER_END)) return lineEnd + 4;
      return trailersEnd === -1 ? null : trailersEnd + 4;
    }
    at = lineEnd + 2 + size + 2;
    if (buf.length < at) return null;
  }
}
