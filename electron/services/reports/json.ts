import type { ReportRequest, ReportSummary } from '../../../shared/report';
import { lateField, ownField } from './csv';
import type { RawSample } from './source';

/**
 * JSON export, streamed: `{ schema, request, samples: [...], summary }`. The summary comes last on
 * purpose: it is computed from exactly the rows written above it, in the same pass, so the two can
 * never disagree (a summary written first would need a second read that could see other rows).
 * Readers address it by key (`jq .summary`), so the order costs them nothing.
 */

export class JsonReportWriter {
  private first = true;

  begin(request: ReportRequest): string {
    const head = { schema: 'sprint-control.report/1', request };
    const text = JSON.stringify(head, null, 2);
    // Reopen the object to append "samples"; the head has no trailing members to disturb.
    return `${text.slice(0, text.lastIndexOf('}')).trimEnd()},\n  "samples": [`;
  }

  /** Same columns and formatting as the CSV, so a row means the same thing in both files. */
  row(s: RawSample): string {
    const sep = this.first ? '\n    ' : ',\n    ';
    this.first = false;
    const latency = s.latencyMs.toFixed(3);
    const late = lateField(s) || 'null';
    const own = ownField(s) || 'null';
    return `${sep}{"timestamp":"${new Date(s.t).toISOString()}","latency_ms":${latency},"ok":${s.ok},"tier":"${s.tier}","late_ms":${late},"own_ms":${own}}`;
  }

  end(summary: ReportSummary): string {
    const body = JSON.stringify(summary, null, 2).replace(/\n/g, '\n  ');
    return `${this.first ? '' : '\n  '}],\n  "summary": ${body}\n}\n`;
  }
}
