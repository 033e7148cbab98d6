import type { FleetRow } from '../../../shared/fleet';
import { TIER_NAMES, type TierName } from '../../../shared/tiers';
import { useFleetStore } from '../../stores';

/** What the panel can do to another panel in headless mode: one click per tier, its SLA test (opened
 * as a card under the table, with the local test's choices), its report. */
export function RemoteActions({ row }: { row: FleetRow }) {
  const action = useFleetStore((s) => s.actions[row.id]);
  const slaRunning = useFleetStore((s) => s.remoteSla[row.id]?.running ?? false);
  const slaOpen = useFleetStore((s) => s.slaPanelId === row.id);
  const { setRemoteTier, openRemoteSla, exportRemoteReport } = useFleetStore();
  // A tier switch during its SLA test would be refused over there; it is not offered meanwhile.
  const busy = action?.busy != null || slaRunning;
  const tier: TierName = row.tier ?? 'free';
  return (
    <div className="remote-actions">
      <div className="segmented" role="group" aria-label={`Tier of ${row.name}`}>
        {TIER_NAMES.map((name) => (
          <button
            key={name}
            type="button"
            aria-pressed={name === row.tier}
            disabled={busy}
            onClick={() => void setRemoteTier(row.id, name)}
          >
            {name}
          </button>
        ))}
      </div>
      <div className="remote-buttons">
        <button
          type="button"
          aria-expanded={slaOpen}
          onClick={() => openRemoteSla(slaOpen && !slaRunning ? null : row.id)}
        >
          {slaRunning ? 'SLA test running…' : 'SLA test…'}
        </button>
        <button type="button" disabled={busy} onClick={() => void exportRemoteReport(row.id, tier)}>
          Export report
        </button>
      </div>
      {action?.busy && (
        <div className="muted" role="status">
          {action.busy}
        </div>
      )}
      {action?.message && (
        <div className="remote-done" role="status">
          {action.message}{' '}
          {action.download && (
            <a href={action.download.url} download={action.download.fileName}>
              Download
            </a>
          )}
        </div>
      )}
      {action?.error && (
        <div className="inline-error" role="alert">
          {action.error}
        </div>
      )}
    </div>
  );
}
