import type { ReportSummary } from '../../../shared/report';
import {
  beforeAfterRows,
  BEFORE_AFTER_COLUMNS,
  TUNE_COLUMNS,
  tuneCells,
  tuneDesignLine,
  tuneScopeLine,
} from '../../../shared/tuning';
import { esc, fmtTime } from './html-format';

/**
 * The tuning runs of the period: the candidates' table, the design (blocks, n, contention), the
 * before/after table (tier default beside the recommended plan, with n and bounds), and the words
 * that say the result holds for that machine and load only. Cells are the card's own text.
 */
export function tuningSection(s: ReportSummary): string {
  const runs = s.tuning ?? [];
  if (runs.length === 0) return '';
  const body = runs
    .map((run) => {
      const head = `<tr>${TUNE_COLUMNS.map((c) => `<th>${esc(c.label)}</th>`).join('')}</tr>`;
      const rows = run.results
        .map((r) => {
          const cells = tuneCells(r, run.intervalLevel);
          const tds = TUNE_COLUMNS.map((c) => `<td data-tuning-figure="${c.key}">${esc(cells[c.key])}</td>`);
          return `<tr data-candidate="${esc(r.candidate.id)}">${tds.join('')}</tr>`;
        })
        .join('');
      const baHead = `<tr>${BEFORE_AFTER_COLUMNS.map((c) => `<th>${esc(c.label)}</th>`).join('')}</tr>`;
      const baRows = beforeAfterRows(run)
        .map(
          (row) =>
            `<tr>${BEFORE_AFTER_COLUMNS.map((c) => `<td data-before-after="${c.key}">${esc(row[c.key])}</td>`).join('')}</tr>`,
        )
        .join('');
      const skipped = run.skipped.length
        ? `<p class="muted">Skipped on this machine: ${run.skipped.map((k) => `${esc(k.label)} (${esc(k.reason)})`).join('; ')}.</p>`
        : '';
      return `<div class="tuning-run" data-tuning-run="${esc(run.id)}">
<h3>${esc(fmtTime(run.startedAt))}: tuning ${esc(run.request.tier)}</h3>
<p data-tuning-design>${esc(tuneDesignLine(run))}</p>
<p data-tuning-recommendation><strong>${esc(run.recommendation.text)}</strong></p>
<table><thead>${head}</thead><tbody>${rows}</tbody></table>
<h4>Before and after</h4>
<table data-tuning-before-after><thead>${baHead}</thead><tbody>${baRows}</tbody></table>
${skipped}<p class="muted" data-tuning-scope>${esc(tuneScopeLine(run))}</p></div>`;
    })
    .join('\n');
  return `<section><h2>Tuning</h2><p class="muted">Each run tried the launch plans the machine could grant, interleaved in short blocks under the same probes, and compared each with the tier default by a bootstrap over rounds of blocks. Its probes are not counted in this report’s live figures.</p>
${body}</section>`;
}
