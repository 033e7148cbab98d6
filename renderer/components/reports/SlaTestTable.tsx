import type { SlaTestResult } from '../../../shared/sla-test';

const ms = (value: number | undefined) => (value === undefined ? '—' : `${value.toFixed(2)} ms`);
const percent = (value: number | null, digits = 2) =>
  value === null ? '—' : `${(value * 100).toFixed(digits)}%`;
const times = (value: number | null) => (value === null ? '—' : `${value.toFixed(1)}×`);

/** The seed's before/after table: each tier against its own target, with n and the 95% bound. */
export function SlaTestTable({ result }: { result: SlaTestResult }) {
  return (
    <div className="sla-test-result" data-testid="sla-test-result">
      <table className="data-table">
        <caption>
          {result.request.probesPerTier.toLocaleString()} probes per tier at {result.request.rateHz} Hz
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
            <th scope="col">Failed / n</th>
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
              <td className="tabular">{percent(tier.sla.compliance)}</td>
              <td className="tabular">{ms(tier.latency?.mean)}</td>
              <td className="tabular">{ms(tier.latency?.p999)}</td>
              <td className="tabular">{ms(tier.latency?.max)}</td>
              <td className="tabular">
                {tier.failed} / {tier.n.toLocaleString()}
              </td>
              <td className="tabular">{percent(tier.sla.missUpperBound95, 3)}</td>
              <td>
                <span
                  className={`verdict verdict-${tier.sla.verdict.replace(/ /g, '-')}`}
                  data-testid="verdict"
                >
                  {tier.sla.verdict}
                </span>
                {tier.sla.verdict === 'insufficient samples' && (
                  <span className="muted"> (needs {tier.sla.requiredN.toLocaleString()} with no miss)</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {result.improvement && (
        <p className="muted">
          {result.improvement.to} against {result.improvement.from}: average {times(result.improvement.mean)},
          p99.9 {times(result.improvement.p999)}, max {times(result.improvement.max)} lower.
        </p>
      )}
    </div>
  );
}
