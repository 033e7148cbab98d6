import type { RelayState } from '../../shared/relay-status';
import { formatDuration } from '../format';
import { useNow } from '../hooks';
import { useRelayStore } from '../stores';

const STATE_LABEL: Record<RelayState, string> = {
  stopped: 'Stopped',
  starting: 'Starting',
  running: 'Running',
  degraded: 'Degraded',
  backoff: 'Restarting',
  'crash-loop': 'Crash loop',
  stopping: 'Stopping',
};

export function StatusCard() {
  const status = useRelayStore((state) => state.status);
  const now = useNow();
  const state = status?.state ?? 'stopped';
  return (
    <article className="card status-card" aria-labelledby="status-title">
      <h2 id="status-title">Relay</h2>
      <p className={`state-pill state-${state}`} data-testid="relay-state" data-state={state} role="status">
        {STATE_LABEL[state]}
      </p>
      <dl className="facts">
        <div>
          <dt>PID</dt>
          <dd data-testid="relay-pid">{status?.pid ?? '—'}</dd>
        </div>
        <div>
          <dt>Uptime</dt>
          <dd data-testid="relay-uptime">
            {status?.startedAt ? formatDuration(now - status.startedAt) : '—'}
          </dd>
        </div>
        <div>
          <dt>Tier</dt>
          <dd data-testid="relay-tier">{status?.tier ?? '—'}</dd>
        </div>
        <div>
          <dt>Restarts</dt>
          <dd>{status?.restarts ?? 0}</dd>
        </div>
        <div>
          <dt>API port</dt>
          <dd>{status?.ports?.api ?? '—'}</dd>
        </div>
        <div>
          <dt>Last exit</dt>
          <dd>
            {status?.lastExit
              ? status.lastExit.signal
                ? `signal ${status.lastExit.signal}`
                : `code ${status.lastExit.code}`
              : '—'}
          </dd>
        </div>
      </dl>
      {status?.message && (
        <p className="state-message" data-testid="relay-message">
          {status.message}
        </p>
      )}
    </article>
  );
}
