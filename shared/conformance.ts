import { z } from 'zod';

/** The conformance check's result shapes: the CLI prints them, the Settings table shows them. */

export const CLAUSE_IDS = [
  'bad-variable-exit-2',
  'health-schema',
  'readiness',
  'log-fields',
  'metrics-promtool',
  'metrics-families',
  'api-keys',
  'rate-limit',
  'stream-schema',
  'tier-switch',
  'go-runtime-readback',
  'sigterm',
] as const;
export const ClauseId = z.enum(CLAUSE_IDS);
export type ClauseId = z.infer<typeof ClauseId>;

export const ClauseStatus = z.enum(['pass', 'fail', 'not-applicable']);
export type ClauseStatus = z.infer<typeof ClauseStatus>;

export const ClauseResult = z.object({
  clause: ClauseId,
  /** What the clause asks, in one line. */
  title: z.string(),
  status: ClauseStatus,
  /** Why it passed, failed or does not apply: the figure or the first difference seen. */
  why: z.string(),
});
export type ClauseResult = z.infer<typeof ClauseResult>;

export const ConformanceProgress = z.object({
  binary: z.string(),
  result: ClauseResult,
  done: z.number().int().nonnegative(),
  total: z.number().int().positive(),
});
export type ConformanceProgress = z.infer<typeof ConformanceProgress>;

export const ConformanceReport = z.object({
  binary: z.string(),
  /** "go" when the binary reports a Go runtime on /health; the Go clauses then apply. */
  runtime: z.string().nullable(),
  startedAt: z.number(),
  finishedAt: z.number(),
  results: z.array(ClauseResult),
});
export type ConformanceReport = z.infer<typeof ConformanceReport>;

export const CLAUSE_TITLES: Readonly<Record<ClauseId, string>> = {
  'bad-variable-exit-2': 'Exits with code 2 on an invalid variable, naming it',
  'health-schema': '/health answers the contract schema with the tier asked for',
  readiness: '/ready exists, answers 503 or 200, and 200 once synced with the peer',
  'log-fields': 'stderr is JSON lines with level, time and message',
  'metrics-promtool': '/metrics passes promtool check metrics',
  'metrics-families': 'every required metric family present with its type and labels',
  'api-keys': 'API answers 401 without or with a wrong key, 200 with a key',
  'rate-limit': "a user key is held to the tier's burst (429 with Retry-After); the panel key is not",
  'stream-schema': 'a mined block arrives on the WebSocket stream in the contract schema',
  'tier-switch': 'restarted under another tier, /health and tier_info report it',
  'go-runtime-readback': 'GOGC, GOMAXPROCS and GOMEMLIMIT read back from the Go runtime on /health',
  sigterm: 'SIGTERM stops it with exit code 0 within the bound',
};

export const countByStatus = (results: readonly ClauseResult[]) => ({
  pass: results.filter((r) => r.status === 'pass').length,
  fail: results.filter((r) => r.status === 'fail').length,
  notApplicable: results.filter((r) => r.status === 'not-applicable').length,
});
