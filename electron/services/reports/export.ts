import { mkdir } from 'node:fs/promises';
import { describeIssues } from '../../../shared/api/api-error';
import type { LaunchReport } from '../../../shared/launch';
import {
  ReportRequest,
  reportFormatRow,
  type MachineInfo,
  type ReportProgress,
  type ReportResult,
  type ReportSummary,
} from '../../../shared/report';
import { AtomicFile } from './atomic-file';
import { ReportError, isAbort, pdfUnavailable } from './report-error';
import { isDiskFull } from '../util/disk-full';
import { machineInfo } from './machine';
import { atMicros } from './scan';
import type { ReportSource, TimeRange } from './source';
import { buildSummary, newScan, readPeriodFacts } from './summary';
import { REPORT_WRITERS, type RenderPdf, type RowWriter } from './writers';

export type { RenderPdf } from './writers';

/**
 * Exports one period and tier in any format of the writer registry (writers.ts): one streamed pass over the raw samples,
 * a page at a time, with progress and cancellation, into a file that appears only when complete.
 */

export interface ExportOptions {
  readonly source: ReportSource;
  /** Folder the report is written to; its temporary file lives there too (atomic rename). */
  readonly dir: string;
  readonly signal?: AbortSignal;
  /** Called after each page of samples read (and once at 0): done only grows and ends at total. */
  readonly onProgress?: (progress: ReportProgress) => void;
  readonly renderPdf?: RenderPdf;
  readonly launch: LaunchReport | null;
  readonly relayVersion: string;
  /** The active deployment profile, recorded in the report. */
  readonly profile?: string | null;
  /** The probe's timeout: the floor of a failed sample's latency (the live panel's rule). Default 1,000 ms. */
  readonly probeTimeoutMs?: number;
  /** Defaults to this machine (machine.ts); injectable for tests. */
  readonly machine?: MachineInfo;
  readonly now?: () => number;
  /** Rows per read; 5,000 rows is about 300 kB of CSV: flat memory and about 170 reads for a day at 10 Hz. */
  readonly pageSize?: number;
}

/** The probe's own default (probe/protocol.ts). */
export const DEFAULT_PROBE_TIMEOUT_MS = 1000;

/** UTC "20240131T235959Z": sortable, and legal in file names on every OS (no colons). */
function compactIso(t: number): string {
  return new Date(t)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

export function reportFileName(request: ReportRequest): string {
  const span = `${compactIso(request.from)}-${compactIso(request.to)}`;
  return `sprint-report_${request.tier}_${span}.${reportFormatRow(request.format).extension}`;
}

function parseRequest(raw: ReportRequest): ReportRequest {
  const parsed = ReportRequest.safeParse(raw);
  if (!parsed.success) {
    throw new ReportError(
      'INVALID_PARAMS',
      'invalid-request',
      `Invalid report request: ${describeIssues(parsed.error)}`,
    );
  }
  return parsed.data;
}

export async function exportReport(rawRequest: ReportRequest, o: ExportOptions): Promise<ReportResult> {
  const request = parseRequest(rawRequest);
  // Refuse before reading anything: headless mode has nothing to print with.
  if (reportFormatRow(request.format).needsPrinter && o.renderPdf === undefined) throw pdfUnavailable();
  o.signal?.throwIfAborted();

  const writer = REPORT_WRITERS[request.format];
  const range: TimeRange = { from: request.from, to: request.to };
  const fileName = reportFileName(request);
  let file: AtomicFile | null = null;
  try {
    // The default reports folder (under the data folder) may not exist yet; a chosen one does.
    await mkdir(o.dir, { recursive: true });
    // Raw rows go to the file as they are read; a document is written once the summary exists.
    if (writer.kind === 'rows') {
      const rows = { file: AtomicFile.create(o.dir, fileName), writer: writer.create() };
      file = rows.file;
      const summary = await scanInto(request, range, o, rows);
      return { ...(await rows.file.commit()), format: request.format, summary };
    }
    const summary = await scanInto(request, range, o, null);
    const { renderPdf, signal } = o;
    return {
      ...(await writer.write({ dir: o.dir, fileName, summary, signal, renderPdf })),
      format: request.format,
      summary,
    };
  } catch (error) {
    await file?.discard();
    if (isAbort(error) || error instanceof ReportError) throw error;
    if (isDiskFull(error))
      throw new ReportError(
        'DISK_FULL',
        'export-failed',
        `The disk holding ${o.dir} is full: the report was not written. Free some space there and try again.`,
      );
    const message = error instanceof Error ? error.message : String(error);
    throw new ReportError('INTERNAL', 'export-failed', `Report export failed: ${message}`);
  }
}

/** The one pass: counts, reads pages, feeds the summary scan and (a rows format) the file. */
async function scanInto(
  request: ReportRequest,
  range: TimeRange,
  o: ExportOptions,
  rows: { file: AtomicFile; writer: RowWriter } | null,
): Promise<ReportSummary> {
  const total = await o.source.countSamples(range);
  const facts = await readPeriodFacts(o.source, range);
  let done = 0;
  o.onProgress?.({ done, total });
  if (rows) await rows.file.write(rows.writer.begin(request));

  const probeTimeoutMs = o.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const scan = newScan(request, probeTimeoutMs);
  for await (const page of o.source.iterateSamples(range, o.pageSize ?? 5000)) {
    o.signal?.throwIfAborted();
    let chunk = '';
    for (const raw of page) {
      const s = atMicros(raw);
      if (scan.add(s) && rows) chunk += rows.writer.row(s);
    }
    if (rows && chunk !== '') await rows.file.write(chunk);
    // Rows landing after the count (a source without a snapshot) must not push done past total.
    done = Math.min(total, done + page.length);
    o.onProgress?.({ done, total });
  }
  o.signal?.throwIfAborted();
  if (done < total) o.onProgress?.({ done: total, total });

  const summary = buildSummary(request, scan.finish(), facts, {
    launch: o.launch,
    relayVersion: o.relayVersion,
    profile: o.profile,
    machine: o.machine ?? machineInfo(),
    probeTimeoutMs,
    now: o.now,
  });
  if (rows) {
    const tail = rows.writer.end(summary);
    if (tail !== '') await rows.file.write(tail);
  }
  return summary;
}
