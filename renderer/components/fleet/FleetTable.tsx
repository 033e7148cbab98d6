import type { FleetRow } from '../../../shared/fleet';
import { slaVerdict } from '../../../shared/verdict';
import { formatMs, formatObjective, formatPercent } from '../../format';
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

function stateBadge(state: string): string {
  if (state === 'live' || state === 'up' || state === 'running') return 'badge badge-ok';
  if (state === 'syncing' || state === 'starting' || state === 'degraded') return 'badge badge-warn';
  if (state === 'stopped' || state === 'unknown') return 'badge';
  return 'badge badge-bad';
}

/**
 * Compliance against the objective, honest about n: the colour is the SLA verdict (the same function
 * as the SLA card), so 1 block within target is "insufficient samples", not a green pass.
 */
function Compliance({ row }: { row: FleetRow }) {
  if (row.compliance === null) return <span className="muted">no blocks</span>;
  const n = Math.round(row.samples);
  const verdict =
    row.objective === null || n === 0
      ? 'insufficient samples'
      : slaVerdict({ n, misses: Math.round((1 - row.compliance) * n) }, row.objective);
  const tone = verdict === 'pass' ? 'fleet-ok' : verdict === 'below objective' ? 'fleet-bad' : 'muted';
  const title = [row.objective === null ? null : `objective ${formatObjective(row.objective)}`, verdict]
    .filter(Boolean)
    .join(' · ');
  return (
    <span title={title}>
      <span className={tone}>{formatPercent(row.compliance)}</span>
      {row.objective !== null && <span className="muted"> / {formatObjective(row.objective)}</span>}
      {verdict === 'insufficient samples' && <span className="muted fleet-verdict"> · too few blocks</span>}
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
          <th scope="col">p50</th>
          <th scope="col">p99.9</th>
          <th scope="col">Compliance</th>
          <th scope="col">n</th>
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
            </td>
            <td className="tabular">{row.tip ?? '—'}</td>
            <td className="tabular">{row.lagBlocks === null ? '—' : row.lagBlocks}</td>
            <td className="tabular">{formatMs(row.p50Ms)}</td>
            <td className="tabular">{formatMs(row.p999Ms)}</td>
            <td className="tabular">
              <Compliance row={row} />
            </td>
            <td className="tabular">{Math.round(row.samples)}</td>
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
