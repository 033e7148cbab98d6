import path from 'node:path';
import { ApiError, type ReportDelivery } from '../../../shared/api';
import type { ReportRequest, ReportResult } from '../../../shared/report';
import { downloadTo } from './http-get';
import type { RemotePanel } from './remote-panel';

/**
 * Exports a report on a remote panel and brings the file here: the remote offers it as a download
 * behind its token, which this side has and the browser showing this panel does not.
 */
export async function exportRemoteReport(
  panel: RemotePanel,
  token: string,
  request: ReportRequest,
  signal: AbortSignal,
  local: { dir: string; deliver: (file: string, name: string) => Promise<ReportDelivery> },
): Promise<{ report: ReportResult; delivery: ReportDelivery }> {
  const remote = await panel.call('report.export', request, signal);
  if (remote.delivery.kind !== 'download') {
    throw new ApiError('UNSUPPORTED', `The panel at ${panel.url} did not offer the report as a download.`);
  }
  const host = new URL(panel.url).host.replace(/[^\w.-]/g, '_');
  const fileName = `${host}-${path.basename(remote.report.fileName)}`;
  const file = path.join(local.dir, fileName);
  const bytes = await downloadTo(new URL(remote.delivery.url, `${panel.url}/`).toString(), file, {
    headers: { authorization: `Bearer ${token}` },
  });
  return {
    report: { ...remote.report, fileName, path: file, bytes },
    delivery: await local.deliver(file, fileName),
  };
}
