import { RELAY_STATE_LABEL, type RelayState } from '../../shared/relay-status';

/** The relay state as a coloured pill; `testId` marks the one the e2e tests read. */
export function StatePill({
  state,
  testId,
  compact,
}: {
  state: RelayState;
  testId?: string;
  compact?: boolean;
}) {
  return (
    <span
      className={`state-pill state-${state}${compact ? ' compact' : ''}`}
      data-testid={testId}
      data-state={state}
      role={testId ? 'status' : undefined}
    >
      <span className="state-dot" aria-hidden="true" />
      {RELAY_STATE_LABEL[state]}
    </span>
  );
}
