import { useRelayStore } from '../stores';

export function RelayControls() {
  const { status, pending, actionError, connected, run, dismissError } = useRelayStore();
  const active = status !== null && status.state !== 'stopped' && status.state !== 'crash-loop';
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
      {actionError && actionError !== status?.message && (
        <p className="action-error" role="alert">
          {actionError}{' '}
          <button type="button" className="link" onClick={dismissError}>
            Dismiss
          </button>
        </p>
      )}
    </div>
  );
}
