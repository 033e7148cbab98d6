import type { SyncStatus } from '../../shared/relay-contract';
import { RELAY_STATE_LABEL, type RelayState, syncLabel } from '../../shared/relay-status';

/**
 * The relay state as a coloured pill; `testId` marks the one the e2e tests read. While the relay
 * catches up on headers it says so, with progress, instead of "Running".
 */
export function StatePill({
  state,
  sync,
  testId,
  compact,
  problem,
}: {
  state: RelayState;
  sync?: SyncStatus | null;
  /** An upstream problem (shared/relay-status.ts upstreamProblem): the pill says "No upstream". */
  problem?: string | null;
  testId?: string;
  compact?: boolean;
}) {
  const label = sync ? syncLabel(sync) : problem ? 'No upstream' : RELAY_STATE_LABEL[state];
  return (
    <span
      className={`state-pill state-${sync ? 'syncing' : state}${compact ? ' compact' : ''}`}
      data-testid={testId}
      data-state={state}
      data-sync={sync?.state}
      role={testId ? 'status' : undefined}
      title={problem ?? (compact && sync ? label : undefined)}
    >
      <span className="state-dot" aria-hidden="true" />
      {compact && sync ? `Syncing ${Math.floor(sync.progress * 100)}%` : label}
    </span>
  );
}
