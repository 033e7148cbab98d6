import {
  formatFigureMs as ms,
  formatFraction as percent,
  improvementLine,
  probeLatenessNote,
} from '../../../shared/figures';
import type { SlaTestResult, SlaTestTierResult } from '../../../shared/sla-test';

/** Misses as every view counts them; results recorded before the breakdown existed show `failed` only. */
function MissCell({ tier }: { tier: SlaTestTierResult }) {
  const m = tier.misses;
  if (!m) return <>{`${tier.failed} failed / ${tier.n.toLocaleString('en-US')}`}</>;
  return (
    <>
      <span data-testid="misses">
        {m.misses.toLocaleString('en-US')} / {m.n.toLocaleString('en-US')}
      </span>
      <span className="muted">
        {' '}
        (over target {m.overTarget.toLocaleString('en-US')}, errors {m.errors.toLocaleString('en-US')},
        timeouts {m.timeouts.toLocaleString('en-US')})
      </span>
    </>
  );
}

/** The seed's before/after table: each tier against its own target, with n and the 95% bound. */
export function SlaTestTable({ result }: { result: SlaTestResult }) {
  const notes = result.tiers.flatMap((tier) => {
    const note = probeLatenessNote(tier.probeLateness, `during the ${tier.tier} run`);
    return note ? [{ tier: tier.tier, note }] : [];
  });
  return (
    <div className="sla-test-result" data-testid="sla-test-result">
      <table className="data-table">
        <caption>
          {result.request.probesPerTier.toLocaleString('en-US')} probes per tier at {result.request.rateHz} Hz
          {result.contentionProcesses > 0
            ? `, under contention (${result.contentionProcesses} busy processes)`
            : ''}
        </caption>
        <thead>
          <tr>
            <th scope="col">Tier (target)</th>
            <th scope="col">Compliance</th>
            <th scope="col">Average</th>
            <th scope="col">p99.9</th>
            <th scope="col">Max</th>
            <th scope="col">Misses / n</th>
            <th scope="col">95% miss bound</th>
            <th scope="col">Verdict</th>
          </tr>
        </thead>
        <tbody>
          {result.tiers.map((tier) => (
            <tr key={tier.tier} data-tier={tier.tier}>
              <th scope="row">
                {tier.tier} ({tier.sla.targetMs} ms, {percent(tier.sla.objective, 1)})
              </th>
              <td className="tabular" data-figure="compliance">
                {percent(tier.sla.compliance)}
              </td>
              <td className="tabular" data-figure="mean">
                {ms(tier.latency?.mean)}
              </td>
              <td className="tabular" data-figure="p999">
                {ms(tier.latency?.p999)}
              </td>
              <td className="tabular" data-figure="max">
                {ms(tier.latency?.max)}
              </td>
              <td className="tabular" data-figure="misses">
                <MissCell tier={tier} />
              </td>
              <td className="tabular" data-figure="bound">
                {percent(tier.sla.missUpperBound95, 3)}
              </td>
              <td>
                <span
                  className={`verdict verdict-${tier.sla.verdict.replace(/ /g, '-')}`}
                  data-testid="verdict"
                >
                  {tier.sla.verdict}
                </span>
                {tier.sla.verdict === 'insufficient samples' && (
                  <span className="muted">
                    {' '}
                    (needs {tier.sla.requiredN.toLocaleString('en-US')} with no miss)
                  </span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {result.improvement && (
        <p className="muted" data-testid="sla-test-summary">
          {improvementLine(result.improvement)}
        </p>
      )}
      {notes.map(({ tier, note }) => (
        <p key={tier} className="hint" data-testid="probe-late">
          {note}
        </p>
      ))}
    </div>
  );
}
