import type { SlaTestResult } from '../../../shared/sla-test';
import {
  SLA_TEST_COLUMNS,
  slaTestCaption,
  slaTestCells,
  slaTestNotes,
  slaTestSummaryLine,
  slaTestTierLabel,
} from '../../../shared/sla-test-figures';
import { judgeSummary, verdictDetail } from '../../../shared/verdict';
import { formatCount, formatPercent } from '../../format';

const DETAIL_FORMAT = { count: formatCount, percent: (f: number) => formatPercent(f) };

/**
 * The seed's before/after table: each tier against its own target, with n and the 95% bound. Every
 * cell is the shared text (shared/sla-test-figures.ts) the exported report prints too.
 */
export function SlaTestTable({ result }: { result: SlaTestResult }) {
  const summary = slaTestSummaryLine(result);
  return (
    <div className="sla-test-result" data-testid="sla-test-result">
      <table className="data-table">
        <caption>{slaTestCaption(result)}</caption>
        <thead>
          <tr>
            <th scope="col">Tier (target)</th>
            {SLA_TEST_COLUMNS.map((c) => (
              <th key={c.key} scope="col">
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {result.tiers.map((tier) => {
            const cells = slaTestCells(tier);
            return (
              <tr key={tier.tier} data-tier={tier.tier}>
                <th scope="row">{slaTestTierLabel(tier)}</th>
                {SLA_TEST_COLUMNS.map((c) =>
                  c.key === 'verdict' ? (
                    <td key={c.key} data-figure={c.key}>
                      <span
                        className={`verdict verdict-${tier.sla.verdict.replace(/ /g, '-')}`}
                        data-testid="verdict"
                      >
                        {cells.verdict}
                      </span>
                      {tier.sla.verdict !== 'pass' && (
                        <div className="muted verdict-detail">
                          {verdictDetail(judgeSummary(tier.sla), tier.sla.objective, DETAIL_FORMAT)}
                        </div>
                      )}
                    </td>
                  ) : (
                    <td key={c.key} className="tabular" data-figure={c.key}>
                      {cells[c.key]}
                    </td>
                  ),
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
      {summary && (
        <p className="muted" data-testid="sla-test-summary">
          {summary}
        </p>
      )}
      {slaTestNotes(result).map((note) => (
        <p key={note} className="hint" data-testid="probe-late">
          {note}
        </p>
      ))}
    </div>
  );
}
