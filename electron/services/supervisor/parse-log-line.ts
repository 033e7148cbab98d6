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
