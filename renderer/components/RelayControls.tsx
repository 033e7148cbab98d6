import { isActive } from '../store/relay-store';
import { useRelayStore } from '../stores';

/** Start, Stop, Restart: in the header on every view, with the failure beside them. */
export function RelayControls() {
  const { status, pending, connected, run } = useRelayStore();
  const active = isActive(status);
  return (
    <div className="relay-controls" role="group" aria-label="Relay controls">
      <button
        type="button"
        className="primary"
        disabled={!connected || active || pending !== null}
        onClick={() => void run('start')}
      >
        {pending === 'start' ? 'Starting…' : 'Start'}
      </button>
      <button
        type="button"
        disabled={!connected || !active || pending !== null}
        onClick={() => void run('stop')}
      >
        {pending === 'stop' ? 'Stopping…' : 'Stop'}
      </button>
      <button
        type="button"
        disabled={!connected || !active || pending !== null}
        onClick={() => void run('restart')}
      >
        {pending === 'restart' ? 'Restarting…' : 'Restart'}
      </button>
    </div>
  );
}

/** A failed Start/Stop/Restart, directly under the buttons that caused it. */
export function RelayActionError() {
  const actionError = useRelayStore((s) => s.actionError);
  const dismissError = useRelayStore((s) => s.dismissError);
  if (!actionError) return null;
  return (
    <div className="action-error" role="alert" data-testid="relay-action-error">
      <strong>Could not {actionError.action} the relay.</strong> {actionError.message}
      <button type="button" className="link" onClick={dismissError}>
        Dismiss
      </button>
    </div>
  );
}
