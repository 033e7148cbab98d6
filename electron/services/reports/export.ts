import { mkdir, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { describeIssues } from '../../../shared/api/api-error';
import type { LaunchReport } from '../../../shared/launch';
import {
  ReportRequest,
  type MachineInfo,
  type ReportFormat,
  type ReportProgress,
  type ReportResult,
  type ReportSummary,
} from '../../../shared/report';
import { AtomicFile } from './atomic-file';
import { CSV_HEADER, csvRow } from './csv';
import { ReportError, isAbort, pdfUnavailable } from './report-error';
import { isDiskFull } from '../util/disk-full';
import { renderHtml } from './html';
import { JsonReportWriter } from './json';
import { machineInfo } from './machine';
import { atMicros } from './scan';
import type { ReportSource, TimeRange } from './source';
import { buildSummary, newScan, readPeriodFacts } from './summary';

/**
 * Exports one period and tier as CSV, JSON, HTML or PDF: one streamed pass over the raw samples,
 * a page at a time, with progress and cancellation, into a file that appears only when complete.
 */

/**
 * Prints an HTML file to a PDF file. Electron's implementation (a hidden window, loadFile,
 * webContents.printToPDF with printBackground) lives in electron/shell/; headless mode has none.
 */
export type RenderPdf = (htmlPath: string, pdfPath: string) => Promise<void>;

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

const EXTENSIONS: Readonly<Record<ReportFormat, string>> = {
  csv: 'csv',
  json: 'json',
  html: 'html',
  pdf: 'pdf',
};

/** UTC "20240131T235959Z": sortable, and legal in file names on every OS (no colons). */
function compactIso(t: number): string {
  return new Date(t)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

export function reportFileName(request: ReportRequest): string {
  const span = `${compactIso(request.from)}-${compactIso(request.to)}`;
  return `sprint-report_${request.tier}_${span}.${EXTENSIONS[request.format]}`;
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
  if (request.format === 'pdf' && o.renderPdf === undefined) throw pdfUnavailable();
  o.signal?.throwIfAborted();

  const range: TimeRange = { from: request.from, to: request.to };
  const fileName = reportFileName(request);
  let file: AtomicFile | null = null;
  try {
    // The default reports folder (under the data folder) may not exist yet; a chosen one does.
    await mkdir(o.dir, { recursive: true });
    // Raw rows go to the file as they are read; HTML and PDF are written once the summary exists.
    if (request.format === 'csv' || request.format === 'json') file = AtomicFile.create(o.dir, fileName);
    const summary = await scanInto(request, range, o, file);
    if (file) return { ...(await file.commit()), format: request.format, summary };
    const html = renderHtml(summary);
    if (request.format === 'html')
      return { ...(await writeAtomically(o.dir, fileName, html)), format: 'html', summary };
    return { ...(await printPdf(o, fileName, html)), format: 'pdf', summary };
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

/** The one pass: counts, reads pages, feeds the summary scan and (CSV, JSON) the file. */
async function scanInto(
  request: ReportRequest,
  range: TimeRange,
  o: ExportOptions,
  file: AtomicFile | null,
): Promise<ReportSummary> {
  const total = await o.source.countSamples(range);
  const facts = await readPeriodFacts(o.source, range);
  let done = 0;
  o.onProgress?.({ done, total });
  const json = request.format === 'json' ? new JsonReportWriter() : null;
  if (file) await file.write(json ? json.begin(request) : CSV_HEADER);

  const probeTimeoutMs = o.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const scan = newScan(request, probeTimeoutMs);
  for await (const page of o.source.iterateSamples(range, o.pageSize ?? 5000)) {
    o.signal?.throwIfAborted();
    let chunk = '';
    for (const raw of page) {
      const s = atMicros(raw);
      if (scan.add(s) && file) chunk += json ? json.row(s) : csvRow(s);
    }
    if (file && chunk !== '') await file.write(chunk);
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
  if (file && json) await file.write(json.end(summary));
  return summary;
}

async function writeAtomically(dir: string, fileName: string, text: string) {
  const file = AtomicFile.create(dir, fileName);
  try {
    await file.write(text);
    return await file.commit();
  } catch (error) {
    await file.discard();
    throw error;
  }
}

/** Prints the HTML through the injected renderer; both temporaries are removed whatever happens. */
async function printPdf(o: ExportOptions, fileName: string, html: string) {
  const renderPdf = o.renderPdf;
  if (renderPdf === undefined) throw pdfUnavailable();
  // A real .html name: Chromium picks the document type from the extension when loading a file.
  const htmlPath = path.join(o.dir, `.${fileName}.${randomBytes(6).toString('hex')}.html`);
  const pdf = AtomicFile.create(o.dir, fileName);
  try {
    await writeFile(htmlPath, html, { flag: 'wx' });
    await pdf.close();
    try {
      await renderPdf(htmlPath, pdf.tempPath);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new ReportError('INTERNAL', 'pdf-failed', `PDF printing failed: ${message}`);
    }
    if ((await stat(pdf.tempPath)).size === 0) {
      throw new ReportError('INTERNAL', 'pdf-failed', 'PDF printing failed: the renderer wrote nothing.');
    }
    o.signal?.throwIfAborted();
    return await pdf.commit();
  } catch (error) {
    await pdf.discard();
    throw error;
  } finally {
    await unlink(htmlPath).catch(() => undefined);
  }
}
