import type { ReportSummary } from '../../../shared/report';
import {
  SLA_TEST_COLUMNS,
  slaTestCaption,
  slaTestCells,
  slaTestNotes,
  slaTestSummaryLine,
  slaTestTierLabel,
} from '../../../shared/sla-test-figures';
import { esc, fmtTime } from './html-format';

/**
 * The SLA test runs of the period, cell for cell the text the panel's Reports view shows (both render
 * shared/sla-test-figures.ts). They are their own records: their probes are not in the figures above.
 */
export function slaTestSection(s: ReportSummary): string {
  const runs = s.slaTests ?? [];
  if (runs.length === 0) return '';
  const head = `<tr><th>Tier (target)</th>${SLA_TEST_COLUMNS.map((c) => `<th>${esc(c.label)}</th>`).join('')}</tr>`;
  const body = runs
    .map((run) => {
      const rows = run.tiers
        .map((t) => {
          const cells = slaTestCells(t);
          const tds = SLA_TEST_COLUMNS.map(
            (c) => `<td data-sla-test-figure="${c.key}">${esc(cells[c.key])}</td>`,
          ).join('');
          return `<tr data-tier="${esc(t.tier)}"><th>${esc(slaTestTierLabel(t))}</th>${tds}</tr>`;
        })
        .join('');
      const line = slaTestSummaryLine(run);
      const notes = slaTestNotes(run)
        .map((n) => `<p class="muted" data-sla-test-note>${esc(n)}</p>`)
        .join('');
      return `<div class="sla-test-run" data-sla-test-run="${run.startedAt}">
<h3>${esc(fmtTime(run.startedAt))}: ${esc(slaTestCaption(run))}</h3>
<table><thead>${head}</thead><tbody>${rows}</tbody></table>
${line ? `<p data-sla-test-summary>${esc(line)}</p>` : ''}${notes}</div>`;
    })
    .join('\n');
  return `<section><h2>SLA test runs</h2><p class="muted">Each run probed every tier in turn under its own launch plan. These are their own records: their probes are not counted in this report’s live figures.</p>
${body}</section>`;
}
