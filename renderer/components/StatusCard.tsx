import type { ReactNode } from 'react';
import {
  type RelayStatus,
  clockProblem,
  storeProblem,
  syncingOf,
  upstreamProblem,
} from '../../shared/relay-status';
import { formatAge, formatDuration, formatExit, formatHeight, shortHash } from '../format';
import { useNow } from '../hooks';
import { useMetricsStore, useRelayStore } from '../stores';
import { StatePill } from './StatePill';

function Upstream({ upstream }: { upstream: RelayStatus['upstream'] }) {
  if (!upstream) return <>—</>;
  const ready = upstream.peers.filter((p) => p.state === 'ready').length;
  const first = upstream.peers[0];
  return (
    <span title={upstream.peers.map((p) => `${p.address} (${p.state})`).join('\n')}>
      <span
        className={`dot ${ready > 0 ? 'dot-ok' : 'dot-warn'}`}
        role="img"
        aria-label={`${ready} of ${upstream.peers.length} peers ready`}
      />
      {first ? first.address : upstream.state}
      {upstream.peers.length > 1 && <span className="muted"> +{upstream.peers.length - 1}</span>}
    </span>
  );
}

function Fact({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd data-testid={testId}>{children}</dd>
    </div>
  );
}

/** Where the relay is: state, process, tier, upstream and how fresh its last block is. */
export function StatusCard() {
  const status = useRelayStore((s) => s.status);
  const tip = useRelayStore((s) => s.tip);
  const lastBlockAt = useMetricsStore((s) => s.lastBlockAt);
  const now = useNow();
  const state = status?.state ?? 'stopped';
  const blockAt = lastBlockAt ?? (tip && Number.isFinite(tip.at) ? tip.at : null);
  const upstreamTip = status?.upstream?.tip ?? null;
  // The upstream's own cause (peer and reason) replaces a readiness timeout that says neither.
  const problem = upstreamProblem(status);
  const message = problem ?? status?.message ?? null;
  const clock = clockProblem(status);
  const storeWarning = storeProblem(status);

  return (
    <article className="card status-card" aria-labelledby="status-title">
      <header className="card-header">
        <h2 id="status-title">Relay</h2>
        <StatePill state={state} sync={syncingOf(status)} problem={problem} testId="relay-state" />
      </header>
      <dl className="facts">
        <Fact label="PID" testId="relay-pid">
          {status?.pid ?? '—'}
        </Fact>
        <Fact label="Uptime" testId="relay-uptime">
          {status?.startedAt && status.pid ? formatDuration(now - status.startedAt) : '—'}
        </Fact>
        <Fact label="Tier" testId="relay-tier">
          {status?.tier ?? '—'}
        </Fact>
        <Fact label="Restarts" testId="relay-restarts">
          {status?.restarts ?? 0}
        </Fact>
        <Fact label="Upstream peer">
          <Upstream upstream={status?.upstream ?? null} />
        </Fact>
        <Fact label="Tip" testId="relay-tip">
          {upstreamTip ? (
            <span title={upstreamTip.hash}>
              {formatHeight(upstreamTip.height)}{' '}
              <span className="muted mono">{shortHash(upstreamTip.hash)}</span>
            </span>
          ) : (
            '—'
          )}
        </Fact>
        <Fact label="Last block" testId="relay-last-block">
          {blockAt ? formatAge(now - blockAt) : '—'}
        </Fact>
        <Fact label="API port">
          {status?.ports ? (
            <span title={`health server on ${status.ports.health}`}>{status.ports.api}</span>
          ) : (
            '—'
          )}
        </Fact>
        <Fact label="Last exit">
          {status?.lastExit ? `${formatExit(status.lastExit)}, ${formatAge(now - status.lastExit.at)}` : '—'}
        </Fact>
      </dl>
      {status?.state === 'backoff' && status.nextRestartAt && (
        <p className="state-message info" role="status">
          Restarting in {formatDuration(Math.ceil(Math.max(0, status.nextRestartAt - now) / 1000) * 1000)}.
        </p>
      )}
      {message && (
        <p className={`state-message ${state === 'crash-loop' ? 'bad' : 'warn'}`} data-testid="relay-message">
          {message}
        </p>
      )}
      {clock && (
        <p className="state-message warn" role="status" data-testid="relay-clock-warning">
          {clock}
        </p>
      )}
      {storeWarning && (
        <p className="state-message warn" role="alert" data-testid="relay-store-warning">
          {storeWarning}
        </p>
      )}
      {state === 'crash-loop' && status && status.stderrTail.length > 0 && (
        <details className="stderr-tail">
          <summary>Last output before it stopped ({status.stderrTail.length} lines)</summary>
          <pre>{status.stderrTail.join('\n')}</pre>
        </details>
      )}
      {status && state === 'stopped' && !status.message && (
        <p className="hint">The relay is stopped. Start runs it under the {status.tier} tier's plan.</p>
      )}
    </article>
  );
}
