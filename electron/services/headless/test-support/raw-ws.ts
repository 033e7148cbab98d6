import { randomBytes } from 'node:crypto';
import net from 'node:net';

/**
 * A WebSocket client written on a bare TCP socket, so a test can be the client a library would
 * never be: one that writes requests as fast as it can and never reads a byte of the answers.
 */
export interface RawClient {
  readonly socket: net.Socket;
  /** Everything received after the handshake, once reading is resumed. */
  received(): Buffer;
  /** Writes one masked text frame per message (what a browser sends). */
  sendText(messages: readonly string[]): Promise<void>;
  /** Writes the frames of all messages in one write, so they arrive in one read. */
  sendBatch(messages: readonly string[]): void;
  /** Starts reading what the server sent (paused until then). */
  resume(): void;
}

export async function connectRaw(
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<RawClient> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.on('error', () => undefined);
  const lines = [
    `GET ${path} HTTP/1.1`,
    `Host: 127.0.0.1:${port}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
    'Sec-WebSocket-Version: 13',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  const chunks: Buffer[] = [];
  let handshake = Buffer.alloc(0);
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      handshake = Buffer.concat([handshake, chunk]);
      const end = handshake.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      socket.pause();
      if (!handshake.subarray(0, 12).toString().includes('101')) {
        reject(new Error(`upgrade refused: ${handshake.subarray(0, end).toString()}`));
        return;
      }
      chunks.push(handshake.subarray(end + 4));
      resolve();
    };
    socket.on('data', onData);
  });
  return {
    socket,
    received: () => Buffer.concat(chunks),
    resume: () => {
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.resume();
    },
    sendBatch: (messages) => void socket.write(Buffer.concat(messages.map(maskedFrame))),
    sendText: async (messages) => {
      for (const message of messages) {
        if (socket.destroyed) return;
        if (!socket.write(maskedFrame(message))) {
          const drained = await Promise.race([
            new Promise<boolean>((resolve) => socket.once('drain', () => resolve(true))),
            new Promise<boolean>((resolve) => socket.once('close', () => resolve(false))),
          ]);
          if (!drained) return;
        }
      }
    },
  };
}

function maskedFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = randomBytes(4);
  const length = payload.length;
  const header =
    length < 126
      ? Buffer.from([0x81, 0x80 | length])
      : Buffer.from([0x81, 0x80 | 126, length >> 8, length & 255]);
  const masked = Buffer.alloc(length);
  for (let i = 0; i < length; i++) masked[i] = payload[i]! ^ mask[i % 4]!;
  return Buffer.concat([header, mask, masked]);
}

export interface Frame {
  readonly opcode: number;
  readonly payload: Buffer;
}

/** Server frames (unmasked) in a byte stream, as far as they are complete. */
export function parseFrames(bytes: Buffer): Frame[] {
  const frames: Frame[] = [];
  let at = 0;
  while (at + 2 <= bytes.length) {
    const opcode = bytes[at]! & 0x0f;
    let length = bytes[at + 1]! & 0x7f;
    let offset = at + 2;
    if (length === 126) {
      if (offset + 2 > bytes.length) break;
      length = bytes.readUInt16BE(offset);
      offset += 2;
    } else if (length === 127) {
      if (offset + 8 > bytes.length) break;
      length = Number(bytes.readBigUInt64BE(offset));
      offset += 8;
    }
    if (offset + length > bytes.length) break;
    frames.push({ opcode, payload: bytes.subarray(offset, offset + length) });
    at = offset + length;
  }
  return frames;
}
