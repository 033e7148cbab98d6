import type { ChildProcess } from 'node:child_process';
import type { LogLine } from '../../../shared/logs';
import { LineSplitter } from '../util/line-splitter';
import { RingBuffer } from '../util/ring-buffer';
import { parseLogLine } from './parse-log-line';

const TAIL_LINES = 50;
const MAX_TEXT = 1000;

/**
 * What one spawned process said on stderr, kept for its exit diagnostics. A fresh one per spawn, so
 * a process that dies silently never shows an earlier process's lines as its own.
 */
export class ProcessOutput {
  private readonly tail = new RingBuffer<string>(TAIL_LINES);
  private lastErrorLine: string | null = null;

  record(line: LogLine): void {
    if (line.stream !== 'stderr') return;
    const text = logLineText(line);
    this.tail.push(text);
    if (line.level === 'error' || line.level === 'fatal') this.lastErrorLine = text;
  }

  last(count: number): string[] {
    return this.tail.last(count);
  }

  /** The process's own explanation: its last error line, else its last line on stderr. */
  reason(): string | null {
    return this.lastErrorLine ?? this.tail.last(1)[0] ?? null;
  }
}

/**
 * A parsed log line as one sentence for people: the message, then the `error` field (the contract's
 * relay puts the variable and why there), then the other plain fields as key=value.
 */
export function logLineText(line: LogLine): string {
  const fields = line.fields ?? {};
  const error = typeof fields.error === 'string' ? fields.error : null;
  const rest = Object.entries(fields)
    .filter(([key, value]) => key !== 'error' && isPlain(value) && !repeats(error, value))
    .map(([key, value]) => `${key}=${String(value)}`);
  let text = error ? `${line.message}: ${error}` : line.message;
  if (rest.length > 0) text += ` (${rest.join(', ')})`;
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}

/** A string field the error already quotes (e.g. the variable it names) is not said twice. */
function repeats(error: string | null, value: unknown): boolean {
  return typeof value === 'string' && error !== null && error.includes(value);
}

function isPlain(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/**
 * Splits a child's stdout and stderr into log lines, recorded in `output` and passed to `onLine`;
 * stdout goes to `protocol` instead when the process speaks one there (LaunchSpec.stdout).
 */
export function attachOutput(
  child: ChildProcess,
  name: string,
  output: ProcessOutput,
  onLine: (line: LogLine) => void,
  protocol?: { readonly onLine: (line: string) => void; readonly maxLineLength: number },
): void {
  if (protocol) {
    const splitter = new LineSplitter(protocol.onLine, protocol.maxLineLength);
    child.stdout?.on('data', (chunk: Buffer) => splitter.push(chunk));
    child.stdout?.on('end', () => splitter.flush());
  }
  for (const stream of protocol ? (['stderr'] as const) : (['stdout', 'stderr'] as const)) {
    const splitter = new LineSplitter((text) => {
      const line = parseLogLine(name, stream, text);
      output.record(line);
      onLine(line);
    });
    child[stream]?.on('data', (chunk: Buffer) => splitter.push(chunk));
    child[stream]?.on('end', () => splitter.flush());
  }
  // A child that exits while we write to its stdin must not crash the panel with EPIPE.
  child.stdin?.on('error', () => undefined);
}
