import { z } from 'zod';

export const API_ERROR_CODES = [
  'BAD_MESSAGE',
  'UNKNOWN_METHOD',
  'INVALID_PARAMS',
  'INVALID_RESULT',
  'UNAUTHORIZED',
  'FORBIDDEN_SENDER',
  'RELAY_BINARY_MISSING',
  'PORT_IN_USE',
  'SPAWN_FAILED',
  'NOT_RUNNING',
  'BUSY',
  'CANCELLED',
  'SETTINGS_INVALID',
  'PROFILE_INVALID',
  'UNSUPPORTED',
  /** A remote relay, panel or Prometheus the fleet view was asked to use did not answer. */
  'UNREACHABLE',
  /** A write found no space left; the message names the folder. Nothing was half-written. */
  'DISK_FULL',
  'INTERNAL',
] as const;
export const ApiErrorCode = z.enum(API_ERROR_CODES);
export type ApiErrorCode = z.infer<typeof ApiErrorCode>;

export const ApiErrorShape = z.object({
  code: ApiErrorCode,
  /** What went wrong and, where the user can act, what to do. Shown as is in the UI. */
  message: z.string(),
  details: z.unknown().optional(),
});
export type ApiErrorShape = z.infer<typeof ApiErrorShape>;

/** The one error type that crosses the API boundary, in both directions, on every transport. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  toJSON(): ApiErrorShape {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }

  static from(shape: ApiErrorShape): ApiError {
    return new ApiError(shape.code, shape.message, shape.details);
  }
}

/** Turns zod issues into one sentence naming each offending field. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}
