import { knobSources, type KnobSource } from '../../../shared/profile-env';
import type { TierOverrides } from '../../../shared/launch';
import type { ProfileState } from '../../../shared/profile-api';
import type { TierName } from '../../../shared/tiers';
import { capitalize } from '../../format';

const SOURCE_LABEL: Readonly<Record<KnobSource, string>> = {
  override: 'saved override',
  environment: 'from environment',
  tier: 'tier default',
};

/**
 * The seed's six knobs for the tier in effect: tier default, the panel's own environment and the
 * saved override side by side, and which one the relay gets (saved override > environment > tier).
 */
export function SourcesTable({
  tier,
  saved,
  state,
}: {
  tier: TierName;
  saved: TierOverrides | undefined;
  state: ProfileState | null;
}) {
  const environment = state?.environment ?? { values: {}, entries: [] };
  const rows = knobSources(tier, saved, environment);
  const refused = environment.entries.filter((e) => e.status === 'refused').length;
  return (
    <article className="card" aria-labelledby="sources-title" data-testid="knob-sources">
      <header className="card-header">
        <h2 id="sources-title">{capitalize(tier)} tier: where each value comes from</h2>
        {refused > 0 && <span className="badge badge-warn">{refused} environment value refused</span>}
      </header>
      <p className="card-intro muted">
        A saved override wins over the panel&apos;s environment, which wins over the tier default. Refused
        environment values are not passed to the relay.
      </p>
      <div className="table-scroll">
        <table className="knob-table">
          <thead>
            <tr>
              <th scope="col">Variable</th>
              <th scope="col">Tier default</th>
              <th scope="col">From environment</th>
              <th scope="col">Saved override</th>
              <th scope="col">In effect</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.name} data-testid={`source-${row.name}`} data-source={row.source}>
                <th scope="row" className="mono">
                  {row.name}
                </th>
                <td className="mono">{row.tierDefault}</td>
                <td data-testid="source-environment">
                  {row.environment === null ? (
                    <span className="muted">not set</span>
                  ) : row.environment.status === 'applied' ? (
                    <span className="mono">{row.environment.value}</span>
                  ) : (
                    <span className="status-warn" title={row.environment.reason}>
                      <span aria-hidden="true">⚠ </span>refused{' '}
                      <span className="mono">{row.environment.raw}</span>
                      <span className="cell-note">{row.environment.reason}</span>
                    </span>
                  )}
                </td>
                <td className="mono">{row.saved ?? <span className="muted">—</span>}</td>
                <td>
                  <span className="mono">{row.effective}</span>
                  <span className="cell-note">
                    <span className={`badge ${row.source === 'tier' ? 'badge-ok' : 'badge-info'}`}>
                      {SOURCE_LABEL[row.source]}
                    </span>
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </article>
  );
}
