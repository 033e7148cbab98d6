import { StringDecoder } from 'node:string_decoder';

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
