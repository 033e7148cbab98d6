import path from 'node:path';
import { ApiError, type ReportDelivery } from '../../../shared/api';
import type { ReportRequest, ReportResult } from '../../../shared/report';
import { downloadTo } from './http-get';
import type { RemotePanel } from './remote-panel';

/** A report brought from a remote panel is at most this large (the local reports folder's own limit). */
export const MAX_REMOTE_REPORT_BYTES = 200 * 1024 * 1024;
const DOWNLOAD_DEADLINE_MS = 120_000;

/**
 * The URL to fetch a remote report from, only when it is on the panel's own origin: the panel's token
 * goes with the request, and a panel must not be able to send it anywhere else.
 */
export function ownOriginUrl(panelUrl: string, deliveryUrl: string): string {
  const base = new URL(`${panelUrl}/`);
  let target: URL;
  try {
    target = new URL(deliveryUrl, base);
  } catch {
    throw new ApiError(
      'UNSUPPORTED',
      `The panel at ${panelUrl} offered the report at an address that is not a URL.`,
    );
  }
  if (target.origin !== base.origin) {
    throw new ApiError(
      'UNSUPPORTED',
      `Refused the report from the panel at ${panelUrl}: it offered the download at ${target.origin}, not its own address, and its token is sent only to it.`,
    );
  }
  return target.toString();
}

/**
 * Exports a report on a remote panel and brings the file here: the remote offers it as a download
 * behind its token, which this side has and the browser showing this panel does not. The file then
 * counts against the local reports folder's limits like any export (`prune`).
 */
export async function exportRemoteReport(
  panel: RemotePanel,
  token: string,
  request: ReportRequest,
  signal: AbortSignal,
  local: {
    dir: string;
    deliver: (file: string, name: string) => Promise<ReportDelivery>;
    prune: (keep: string) => Promise<unknown>;
  },
): Promise<{ report: ReportResult; delivery: ReportDelivery }> {
  const remote = await panel.call('report.export', request, signal, undefined, 60_000);
  if (remote.delivery.kind !== 'download') {
    throw new ApiError('UNSUPPORTED', `The panel at ${panel.url} did not offer the report as a download.`);
  }
  const url = ownOriginUrl(panel.url, remote.delivery.url);
  const host = new URL(panel.url).host.replace(/[^\w.-]/g, '_');
  const fileName = `${host}-${path.basename(remote.report.fileName)}`;
  const file = path.join(local.dir, fileName);
  const bytes = await downloadTo(url, file, {
    headers: { authorization: `Bearer ${token}` },
    maxBytes: MAX_REMOTE_REPORT_BYTES,
    deadlineMs: DOWNLOAD_DEADLINE_MS,
  });
  await local.prune(file);
  return {
    report: { ...remote.report, fileName, path: file, bytes },
    delivery: await local.deliver(file, fileName),
  };
}
