import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { isDiskFull } from '../util/disk-full';
import { ReportError } from './report-error';
import type { ReportDelivery } from '../../../shared/api';
import type { ReportRequest, ReportResult } from '../../../shared/report';
import type { EventBus } from '../api/event-bus';
import type { MeasurementService } from '../metrics/measurement-service';
import type { RelayService } from '../supervisor/relay-service';
import { exportReport, type RenderPdf } from './export';
import { historyReportSource } from './history-source';

/**
 * What only the host can do with a finished report: the desktop app asks where to save it and can
 * print HTML to PDF; headless mode offers it as a download. Absent hooks mean headless behaviour.
 */
export interface ReportHost {
  readonly renderPdf?: RenderPdf;
  readonly deliver?: (file: string, suggestedName: string) => Promise<ReportDelivery>;
}

/** The report.export command: export into the reports folder, then hand the file to the host. */
export function createReportExporter(options: {
  readonly dir: string;
  readonly measurement: MeasurementService;
  readonly relay: RelayService;
  readonly events: EventBus;
  readonly host: ReportHost;
  /** The active deployment profile at export time. */
  readonly profile?: () => string | null;
}) {
  mkdirSync(options.dir, { recursive: true });
  return async (
    request: ReportRequest,
    signal: AbortSignal,
  ): Promise<{ report: ReportResult; delivery: ReportDelivery }> => {
    // Commit what is buffered first (the last second, an SLA test run just recorded): a report of a
    // period that ends now must hold it.
    try {
      options.measurement.history.flush();
    } catch (error) {
      if (!isDiskFull(error)) throw error;
      throw new ReportError(
        'DISK_FULL',
        'export-failed',
        `The disk holding ${path.dirname(options.measurement.history.file)} is full: the last seconds of history could not be saved, so no report was written. Free some space there and try again.`,
      );
    }
    const report = await exportReport(request, {
      source: historyReportSource(options.measurement.history, { includeSlaTest: request.includeSlaTest }),
      dir: options.dir,
      signal,
      onProgress: (progress) => options.events.emit('report.progress', { ...request, ...progress }),
      renderPdf: options.host.renderPdf,
      launch: options.relay.status().launch,
      profile: options.profile?.() ?? null,
      relayVersion:
        options.relay.relayVersion ?? 'unknown (the relay has not reported one since the panel started)',
    });
    return { report, delivery: await deliverReport(options.host, report.path, report.fileName) };
  };
}

/** Hands a finished file in the reports folder to the host: a save dialog, or a headless download. */
export function deliverReport(host: ReportHost, file: string, fileName: string): Promise<ReportDelivery> {
  return host.deliver
    ? host.deliver(file, fileName)
    : Promise.resolve({ kind: 'download', url: `/reports/${encodeURIComponent(path.basename(file))}` });
}
