import type { z } from 'zod';
import { ApiError } from '../../shared/api';

/** The message to show for a failed call: the API's own sentence, which says what to do. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

/** Messages per field, keyed by the dotted path of the field ("upstream.bitcoinNode"). */
export type FieldErrors = Record<string, string>;

type Issue = z.ZodError['issues'][number];

/** A zod issue in words for the field it sits under ("Must be at most 100."). */
export function issueText(issue: Issue): string {
  const bound = (value: unknown) => (typeof value === 'bigint' ? value.toString() : String(value));
  switch (issue.code) {
    case 'too_big':
      return issue.origin === 'string'
        ? `Must be at most ${bound(issue.maximum)} characters.`
        : `Must be at most ${bound(issue.maximum)}.`;
    case 'too_small':
      return issue.origin === 'string'
        ? `Must be at least ${bound(issue.minimum)} characters.`
        : `Must be at least ${bound(issue.minimum)}.`;
    case 'invalid_type':
      return issue.expected === 'int' ? 'Must be a whole number.' : `Must be a ${issue.expected}.`;
    case 'invalid_value':
      return `Must be one of ${issue.values.map(String).join(', ')}.`;
    case 'invalid_union': {
      // number | 'off': the branch that got furthest (a range check) says what is wrong.
      const inner = issue.errors.flat().find((i) => i.code === 'too_big' || i.code === 'too_small');
      return inner ? issueText(inner) : 'Not a valid value.';
    }
    case 'invalid_format':
      // The schemas phrase their patterns for people: 'a CPU list such as "2-3" or "0,2"'.
      return /^Invalid/.test(issue.message) ? 'Not in the expected format.' : `Must be ${issue.message}.`;
    default:
      return issue.message;
  }
}

/** zod issues as messages per field; the first issue for a field wins. */
export function fieldErrorsFromZod(error: z.ZodError, prefix: readonly PropertyKey[] = []): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = [...prefix, ...issue.path].map(String).join('.') || '(root)';
    out[key] ??= issueText(issue);
  }
  return out;
}

/**
 * A server validation error as messages per field. SETTINGS_INVALID carries describeIssues() text:
 * "Settings not saved: probe.rateHz: Too big: ...; apiPort: ...". Issues from `details.issues`
 * ({path, message}[]) are used when the server sends them.
 */
export function fieldErrorsFromApi(error: unknown): FieldErrors {
  if (!(error instanceof ApiError)) return {};
  const out: FieldErrors = {};
  const details = error.details as { issues?: { path?: unknown; message?: unknown }[] } | undefined;
  if (Array.isArray(details?.issues)) {
    for (const issue of details.issues) {
      if (Array.isArray(issue.path) && typeof issue.message === 'string') {
        out[issue.path.map(String).join('.')] ??= issue.message;
      }
    }
    if (Object.keys(out).length > 0) return out;
  }
  const body = error.message.replace(/^[^:]*not saved:\s*/i, '');
  for (const part of body.split('; ')) {
    const match = /^([\w-]+(?:\.[\w-]+)*): (.+)$/.exec(part.trim());
    if (match?.[1] && match[2]) out[match[1]] ??= match[2];
  }
  return out;
}

/** The errors under one section, with the section prefix removed ("overrides.turbo.cpus" → "cpus"). */
export function errorsUnder(errors: FieldErrors, prefix: string): FieldErrors {
  const out: FieldErrors = {};
  for (const [key, message] of Object.entries(errors)) {
    if (key.startsWith(`${prefix}.`)) out[key.slice(prefix.length + 1)] = message;
  }
  return out;
}
