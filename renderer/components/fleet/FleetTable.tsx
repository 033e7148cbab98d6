import type { FleetRow } from '../../../shared/fleet';
import { formatCount, formatObjective, formatPercent, formatTargetMs } from '../../format';
import { fleetVerdict, type FleetVerdict } from './fleet-verdict';
import { useFleetStore } from '../../stores';
import { RemoteActions } from './RemoteActions';

const SOURCE_LABEL: Record<FleetRow['source'], string> = {
  local: 'local',
  relay: 'relay (read-only)',
  panel: 'remote panel',
  prometheus: 'Prometheus (read-only)',
};
const VIA_LABEL: Record<FleetRow['via'], string> = {
  prometheus: 'PromQL',
  metrics: '/metrics',
  'remote-panel': 'its panel',
  none: '—',
};

/** Green only for a relay that answered within the last two scrape intervals (the server decides). */
function stateBadge(state: string): string {
  if (state === 'live' || state === 'up' || state === 'running') return 'badge badge-ok';
  if (state === 'syncing' || state === 'starting' || state === 'degraded') return 'badge badge-warn';
  if (state === 'stopped' || state === 'unknown') return 'badge';
  return 'badge badge-bad';
}

const VERDICT_TONE: Record<FleetVerdict, string> = {
  pass: 'fleet-ok',
  'below objective': 'fleet-bad',
  'insufficient samples': 'muted',
  'no data': 'muted',
};

/** Probe compliance, as on the Dashboard: this panel's probes within target over the window. */
function ProbeCompliance({ row }: { row: FleetRow }) {
  if (row.probe === null || row.probe.n === 0)
    return (
      <span className="muted" title="Only this panel's relay and remote panels' relays are probed">
        not probed
      </span>
    );
  const { n, misses } = row.probe;
  const verdict = fleetVerdict(row.probe, row.objective);
  return (
    <span title={`${formatCount(n - misses)} of ${formatCount(n)} probes within target`}>
      <span className={VERDICT_TONE[verdict]}>{formatPercent((n - misses) / n)}</span>
      {row.objective !== null && <span className="muted"> / {formatObjective(row.objective)}</span>}
      <div className="muted fleet-verdict">
        {verdict} · n = {formatCount(n)}
      </div>
    </span>
  );
}

/** Block relay latency: bucket bounds, since that is all a histogram knows. */
function boundMs(ms: number | null): string {
  return ms === null ? '—' : `≤ ${formatTargetMs(ms)}`;
}

/** Share of relayed blocks within target: a different measure from the probes, labelled so. */
function BlockCompliance({ row }: { row: FleetRow }) {
  if (row.compliance === null) return <span className="muted">no blocks</span>;
  return (
    <span>
      {formatPercent(row.compliance)}
      <div className="muted fleet-verdict">{formatCount(Math.round(row.samples))} blocks</div>
    </span>
  );
}

export function FleetTable({ rows }: { rows: readonly FleetRow[] }) {
  const remove = useFleetStore((s) => s.remove);
  return (
    <table className="data-table fleet-table" aria-label="Relays in the fleet">
      <thead>
        <tr>
          <th scope="col">Relay</th>
          <th scope="col">Tier</th>
          <th scope="col">State</th>
          <th scope="col">Tip</th>
          <th scope="col">Lag</th>
          <th scope="col">Probe compliance</th>
          <th scope="col">Block latency p50 / p99.9</th>
          <th scope="col">Blocks within target</th>
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.id} data-testid={`fleet-row-${row.source}`} data-row-id={row.id}>
            <th scope="row">
              <div className="fleet-name">{row.name}</div>
              <div className="fleet-sub muted">
                {SOURCE_LABEL[row.source]} · {VIA_LABEL[row.via]}
                {row.instance ? ` · ${row.instance}` : ''}
              </div>
            </th>
            <td>{row.tier ?? '—'}</td>
            <td>
              <span className={stateBadge(row.state)}>{row.state}</span>
              {row.lastSeenAt !== null && row.state === 'unreachable' && (
                <div className="muted fleet-verdict">
                  last answer {new Date(row.lastSeenAt).toLocaleTimeString()}
                </div>
              )}
            </td>
            <td className="tabular">{row.tip ?? '—'}</td>
            <td className="tabular">{row.lagBlocks === null ? '—' : row.lagBlocks}</td>
            <td className="tabular">
              <ProbeCompliance row={row} />
            </td>
            <td className="tabular" title="Upper bounds of the histogram buckets the quantiles fall in">
              {boundMs(row.p50Ms)} / {boundMs(row.p999Ms)}
            </td>
            <td className="tabular">
              <BlockCompliance row={row} />
            </td>
            <td className="fleet-actions">
              {row.controllable ? (
                <RemoteActions row={row} />
              ) : (
                <span className="muted">{row.source === 'local' ? 'this panel' : 'read-only'}</span>
              )}
              {(row.source === 'relay' || row.source === 'panel') && (
                <button
                  type="button"
                  className="link"
                  onClick={() => void remove(row.id)}
                  aria-label={`Remove ${row.name}`}
                >
                  Remove
                </button>
              )}
              {row.error && (
                <div className="inline-error fleet-row-error" role="alert">
                  {row.error}
                </div>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
