import { stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ReportFormat, ReportRequest, ReportSummary } from '../../../shared/report';
import { AtomicFile } from './atomic-file';
import { CSV_HEADER, csvRow } from './csv';
import { renderHtml } from './html';
import { JsonReportWriter } from './json';
import { ReportError, pdfUnavailable } from './report-error';
import type { RawSample } from './source';

/**
 * The writer registry: one entry per row of shared/report.ts's REPORT_FORMAT_TABLE (keyed by its id,
 * so a format without a writer does not compile). exportReport has no per-format branch: it asks
 * the entry for its kind and hands it the rows or the finished summary.
 */

/** Writes raw samples as they are read, in the same pass that builds the summary. */
export interface RowWriter {
  begin(request: ReportRequest): string;
  row(sample: RawSample): string;
  /** Text after the last row; the summary is complete by then. */
  end(summary: ReportSummary): string;
}

export interface DocumentTarget {
  readonly dir: string;
  readonly fileName: string;
  readonly summary: ReportSummary;
  readonly signal?: AbortSignal;
  readonly renderPdf?: RenderPdf;
}

export interface Committed {
  readonly fileName: string;
  readonly path: string;
  readonly bytes: number;
}

/**
 * Prints an HTML file to a PDF file. Electron's implementation (a hidden window, loadFile,
 * webContents.printToPDF with printBackground) lives in electron/shell/; headless mode has none.
 */
export type RenderPdf = (htmlPath: string, pdfPath: string) => Promise<void>;

export type ReportWriter =
  /** Streams rows into the file as they are read (raw data formats). */
  | { readonly kind: 'rows'; create(): RowWriter }
  /** Writes a whole document from the summary once the pass is done. */
  | { readonly kind: 'document'; write(target: DocumentTarget): Promise<Committed> };

const csvWriter = (): RowWriter => ({ begin: () => CSV_HEADER, row: csvRow, end: () => '' });

export const REPORT_WRITERS: Readonly<Record<ReportFormat, ReportWriter>> = {
  csv: { kind: 'rows', create: csvWriter },
  json: { kind: 'rows', create: () => new JsonReportWriter() },
  html: {
    kind: 'document',
    write: (t) => writeAtomically(t.dir, t.fileName, renderHtml(t.summary)),
  },
  pdf: { kind: 'document', write: printPdf },
};

async function writeAtomically(dir: string, fileName: string, text: string): Promise<Committed> {
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
async function printPdf(t: DocumentTarget): Promise<Committed> {
  const renderPdf = t.renderPdf;
  if (renderPdf === undefined) throw pdfUnavailable();
  // A real .html name: Chromium picks the document type from the extension when loading a file.
  const htmlPath = path.join(t.dir, `.${t.fileName}.${randomBytes(6).toString('hex')}.html`);
  const pdf = AtomicFile.create(t.dir, t.fileName);
  try {
    await writeFile(htmlPath, renderHtml(t.summary), { flag: 'wx' });
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
    t.signal?.throwIfAborted();
    return await pdf.commit();
  } catch (error) {
    await pdf.discard();
    throw error;
  } finally {
    await unlink(htmlPath).catch(() => undefined);
  }
}
