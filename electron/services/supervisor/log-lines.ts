import { StringDecoder } from 'node:string_decoder';
import { parseLogRecord, type LogLine } from '../../../shared/logs';

export type { LogLine };

/** Parses one line as a JSON log record (ours, zap, slog, logrus); anything else is kept verbatim. */
export function parseLogLine(
  source: string,
  stream: LogLine['stream'],
  text: string,
  at = Date.now(),
): LogLine {
  if (text.startsWith('{')) {
    try {
      const record = parseLogRecord(JSON.parse(text));
      if (record) {
        const { level, message, fields } = record;
        return { at: record.at ?? at, source, stream, level, message, fields };
      }
    } catch {
      // Not JSON after all: fall through and keep the text.
    }
  }
  return { at, source, stream, level: stream === 'stderr' ? 'warn' : 'info', message: text };
}

/**
 * Splits a byte stream into lines, bounding a runaway line so one bad writer cannot exhaust memory.
 * Bytes go through one streaming UTF-8 decoder: a character split across two chunks (pipes cut
 * anywhere) is held until its last byte arrives instead of becoming two replacement characters.
 */
export class LineSplitter {
  private pending = '';
  private readonly decoder = new StringDecoder('utf8');
  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLineLength = 16 * 1024,
  ) {}

  push(chunk: Buffer | string): void {
    const text = this.pending + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    const lines = text.split('\n');
    this.pending = lines.pop() ?? '';
    if (this.pending.length > this.maxLineLength) {
      lines.push(this.pending);
      this.pending = '';
    }
    for (const line of lines) this.emitLine(line);
  }

  /** End of stream: an incomplete trailing character becomes U+FFFD, then the last line is given. */
  flush(): void {
    const rest = this.pending + this.decoder.end();
    this.pending = '';
    this.emitLine(rest);
  }

  private emitLine(line: string): void {
    const trimmed = line.replace(/\r$/, '');
    if (trimmed.length === 0) return;
    this.onLine(
      trimmed.length > this.maxLineLength ? trimmed.slice(0, this.maxLineLength) + ' …(truncated)' : trimmed,
    );
  }
}

/** Fixed-size ring of the most recent items. */
export class RingBuffer<T> {
  private readonly items: T[] = [];
  constructor(readonly capacity: number) {}

  push(item: T): void {
    this.items.push(item);
    if (this.items.length > this.capacity) this.items.shift();
  }

  toArray(): T[] {
    return [...this.items];
  }

  last(count: number): T[] {
    return this.items.slice(-count);
  }
}
