import { z } from 'zod';

export const LogLevel = z.enum(['debug', 'info', 'warn', 'error', 'fatal']);
export type LogLevel = z.infer<typeof LogLevel>;

/**
 * Level names as the Go and Node loggers write them, lower-cased: zap (`dpanic`), logrus (`warning`,
 * `trace`, `panic`), slog (upper-case, with offsets such as `INFO+2`). `fatal` and `panic` end the
 * writer's process, so they stay `fatal` (the Logs view can show those alone); zap's `dpanic` only
 * panics in development builds and is an error otherwise.
 */
const LEVEL_ALIASES: Readonly<Record<string, LogLevel>> = {
  trace: 'debug',
  debug: 'debug',
  info: 'info',
  notice: 'info',
  warn: 'warn',
  warning: 'warn',
  error: 'error',
  err: 'error',
  dpanic: 'error',
  panic: 'fatal',
  fatal: 'fatal',
  critical: 'fatal',
};

/** pino writes numbers: 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal. */
const PINO_LEVELS: readonly LogLevel[] = ['debug', 'debug', 'info', 'warn', 'error', 'fatal'];

/** Any case, slog's `+N`/`-N` offsets dropped; null when the name is not a level at all. */
export function normalizeLevel(raw: unknown): LogLevel | null {
  if (typeof raw === 'number') return (Number.isInteger(raw) && PINO_LEVELS[raw / 10 - 1]) || null;
  if (typeof raw !== 'string') return null;
  const base = raw
    .trim()
    .toLowerCase()
    .replace(/[+-]\d+$/, '');
  return LEVEL_ALIASES[base] ?? null;
}

/**
 * Epoch seconds as zap writes `ts` (fractional), or the millis/micros/nanos its other encoders
 * write, told apart by magnitude (seconds stay below 1e11 until the year 5138).
 */
function epochToMs(value: number): number {
  if (value < 1e11) return value * 1000;
  if (value < 1e14) return value;
  if (value < 1e17) return value / 1000;
  return value / 1e6;
}

function timeOf(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return epochToMs(value);
  if (typeof value === 'string') {
    const parsed = Date.parse(value);
    if (Number.isFinite(parsed)) return parsed;
  }
  return null;
}

/** A JSON log record reduced to what the Logs view shows; `at` is null when it carried no time. */
export interface LogRecord {
  readonly level: LogLevel;
  readonly message: string;
  readonly at: number | null;
  readonly fields: Record<string, unknown>;
}

const MESSAGE_KEYS = ['message', 'msg'] as const;
const TIME_KEYS = ['timestamp', 'ts', 'time'] as const;

/**
 * One parsed JSON log line in any of the formats supervised relays write: ours (`message`,
 * `timestamp`), zap (`msg`, `ts` epoch seconds), slog and logrus (`msg`, `time` RFC 3339), pino
 * (`msg`, `time` epoch ms, numeric level). Null when
 * it is not a log record (no string message), so the caller can keep the line as plain text.
 */
export function parseLogRecord(record: unknown): LogRecord | null {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return null;
  const fields: Record<string, unknown> = { ...(record as Record<string, unknown>) };
  const messageKey = MESSAGE_KEYS.find((key) => typeof fields[key] === 'string');
  if (messageKey === undefined) return null;
  const message = fields[messageKey] as string;
  delete fields[messageKey];
  let at: number | null = null;
  for (const key of TIME_KEYS) {
    const time = timeOf(fields[key]);
    if (time !== null) {
      at = time;
      delete fields[key];
      break;
    }
  }
  const level = normalizeLevel(fields.level);
  if (level !== null) delete fields.level;
  return { level: level ?? 'info', message, at, fields };
}

/** One line of a supervised process's output; the contract's JSON lines are parsed into fields. */
export const LogLine = z.object({
  at: z.number(),
  source: z.string(),
  stream: z.enum(['stdout', 'stderr']),
  level: LogLevel,
  message: z.string(),
  fields: z.record(z.string(), z.unknown()).optional(),
});
export type LogLine = z.infer<typeof LogLine>;

export const TIMELINE_KINDS = [
  'spawned',
  'ready',
  'exited',
  'backoff',
  'crash-loop',
  'degraded',
  'spawn-failed',
  'stopped-on-exit-code',
  'tier-switched',
  'stale-reaped',
] as const;

/** A supervisor event as the Logs view's timeline shows it. */
export const TimelineEntry = z.object({
  at: z.number(),
  source: z.string(),
  kind: z.enum(TIMELINE_KINDS),
  /** One sentence for people, e.g. "exited with signal SIGKILL". */
  summary: z.string(),
  details: z.record(z.string(), z.unknown()),
});
export type TimelineEntry = z.infer<typeof TimelineEntry>;
