import { z } from 'zod';

export const LogLevel = z.enum(['debug', 'info', 'warn', 'error', 'fatal']);
export type LogLevel = z.infer<typeof LogLevel>;

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
