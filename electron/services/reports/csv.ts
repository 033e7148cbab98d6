import { CSV_COLUMNS } from '../../../shared/report';
import type { RawSample } from './source';

/**
 * CSV of raw samples, RFC 4180 style: a header, one line per sample, CRLF-free (LF) and unquoted
 * because no field can hold a comma, quote or newline (ISO timestamps, numbers, booleans, tier names).
 * Timestamps are the intended send time, ISO-8601 UTC with milliseconds; latency in ms with three
 * decimals (the probe's microsecond resolution), so the file reproduces the summary exactly.
 */

export const CSV_HEADER = `${CSV_COLUMNS.join(',')}\n`;

const msField = (ms: number | null | undefined): string =>
  ms === null || ms === undefined ? '' : ms.toFixed(3);

/** The probe's lateness with the latency's precision; empty where the row has none. */
export const lateField = (s: RawSample): string => msField(s.lateMs);

/** The probe's own busy time in the answer's window, likewise. */
export const ownField = (s: RawSample): string => msField(s.ownMs);

export function csvRow(s: RawSample): string {
  return `${new Date(s.t).toISOString()},${s.latencyMs.toFixed(3)},${s.ok ? 'true' : 'false'},${s.tier},${lateField(s)},${ownField(s)}\n`;
}
