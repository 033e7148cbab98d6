import { GC_OFF_MEANING } from '../../../shared/knobs';
import type { LaunchReport } from '../../../shared/launch';
import type { TierName } from '../../../shared/tiers';
import { capitalize, formatClock } from '../../format';
import {
  ASSUMED_DESCRIPTION,
  grantedCount,
  KNOB_DESCRIPTIONS,
  type KnobRow,
} from '../../optimizations/plan-preview';

function StatusCell({ row, preview }: { row: KnobRow; preview: boolean }) {
  if (preview || row.granted === null) {
    // A refusal the plan already knows from this machine's capabilities is said before the start.
    return <span className="muted">{row.reason ? `At next start: ${row.reason}` : 'At next start'}</span>;
  }
  if (row.granted) {
    return (
      <span className="status-ok">
        <span aria-hidden="true">✓ </span>Granted
      </span>
    );
  }
  return (
    <span className="status-warn">
      <span aria-hidden="true">⚠ </span>
      {row.reason ?? 'Not applied'}
    </span>
  );
}

/** Requested beside applied for each knob of the current tier, with the reason where they differ. */
export function KnobTable({
  tier,
  rows,
  source,
  assumed = false,
  report,
  running,
}: {
  tier: TierName;
  rows: readonly KnobRow[];
  source: 'report' | 'preview';
  /** The preview plans with ASSUMED_CAPABILITIES: no report has said what this machine allows. */
  assumed?: boolean;
  report: LaunchReport | null;
  running: boolean;
}) {
  const preview = source === 'preview';
  const { granted, refused } = grantedCount(rows);
  return (
    <article className="card" aria-labelledby="knobs-title" data-testid="knob-table" data-tier={tier}>
      <header className="card-header">
        <h2 id="knobs-title">{capitalize(tier)} tier: requested and applied</h2>
        {!preview && (
          <span className={`badge ${refused > 0 ? 'badge-warn' : 'badge-ok'}`}>
            {refused > 0 ? `${refused} not granted` : `all ${granted} granted`}
          </span>
        )}
      </header>
      <p className="card-intro muted">
        {preview
          ? (running
              ? `The relay is starting; this is what the ${tier} tier requests until the launch report arrives`
              : `The relay is not running. This is what the ${tier} tier requests; what the OS grants shows after Start`) +
            (assumed ? ` (planned ${ASSUMED_DESCRIPTION}).` : ' (planned with this machine’s capabilities).')
          : report?.readBackAt
            ? `${running ? 'Running relay' : 'Last start'} on ${report.platform}, read back at ${formatClock(report.readBackAt)}.`
            : `${running ? 'Running relay' : 'Last start'} on ${report?.platform ?? 'this machine'}; not read back yet.`}
      </p>
      <div className="table-scroll">
        <table className="knob-table">
          <thead>
            <tr>
              <th scope="col">Setting</th>
              <th scope="col">By</th>
              <th scope="col">Requested</th>
              <th scope="col">Applied</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr
                key={row.name}
                data-testid={`knob-${row.name}`}
                className={row.granted === false ? 'row-warn' : undefined}
              >
                <th scope="row">
                  <span className="mono">{row.name}</span>
                  <span className="cell-note">{KNOB_DESCRIPTIONS[row.name]}</span>
                </th>
                <td className="muted">{row.appliedBy === 'os' ? 'OS' : 'Relay'}</td>
                <td data-testid="knob-requested">
                  <span className="mono">{row.requested}</span>
                  {row.overridden && (
                    <span className="cell-note">
                      <span className="badge badge-info">
                        {row.source === 'environment' ? 'from environment' : 'override'}
                      </span>{' '}
                      {/* A knob no tier sets reads "default": the runtime's own choice. */}
                      {row.tierDefault === 'default'
                        ? 'the tier leaves it to the runtime'
                        : `tier default ${row.tierDefault}`}
                    </span>
                  )}
                </td>
                <td data-testid="knob-applied" className="mono">
                  {row.applied ?? '—'}
                </td>
                <td>
                  <StatusCell row={row} preview={preview} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.some((row) => row.requested === 'off') && (
        <p className="card-intro muted" data-testid="gc-off-note">
          {GC_OFF_MEANING}
        </p>
      )}
      {report && !preview && (
        <details className="argv">
          <summary>Command line</summary>
          <pre>{report.argv.join(' ')}</pre>
        </details>
      )}
    </article>
  );
}
