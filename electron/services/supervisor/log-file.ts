import { appendFileSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Appends lines to a log file, rotating at `maxBytes` and keeping `keep` old files (relay.log.1 …).
 * Synchronous appends keep the order of lines and cost little at relay log rates; a write error is
 * swallowed after the first report, because losing a log line must never stop the supervisor.
 */
export class RotatingLogFile {
  private size: number;
  private reported = false;

  constructor(
    readonly filePath: string,
    private readonly maxBytes = 5 * 1024 * 1024,
    private readonly keep = 3,
  ) {
    mkdirSync(path.dirname(filePath), { recursive: true });
    this.size = fileSize(filePath);
  }

  append(line: string): void {
    const bytes = Buffer.byteLength(line) + 1;
    try {
      if (this.size + bytes > this.maxBytes) this.rotate();
      appendFileSync(this.filePath, line + '\n');
      this.size += bytes;
    } catch (error) {
      if (!this.reported) process.stderr.write(`Cannot write ${this.filePath}: ${String(error)}\n`);
      this.reported = true;
    }
  }

  private rotate(): void {
    rmSync(`${this.filePath}.${this.keep}`, { force: true });
    for (let index = this.keep - 1; index >= 1; index--) {
      try {
        renameSync(`${this.filePath}.${index}`, `${this.filePath}.${index + 1}`);
      } catch {
        // That generation does not exist yet.
      }
    }
    renameSync(this.filePath, `${this.filePath}.1`);
    this.size = 0;
  }
}

function fileSize(filePath: string): number {
  try {
    return statSync(filePath).size;
  } catch {
    return 0;
  }
}
