import { useEffect, useMemo, useState } from 'react';
import { LogList } from '../components/logs/LogList';
import { LogToolbar } from '../components/logs/LogToolbar';
import { Timeline } from '../components/logs/Timeline';
import { filterLines } from '../store/logs-store';
import { useLogsStore, useRelayStore } from '../stores';

export function Logs() {
  const { lines, timeline, filter, error, loading, loaded, load, setFilter } = useLogsStore();
  const connected = useRelayStore((s) => s.connected);
  const [follow, setFollow] = useState(true);
  useEffect(() => {
    if (connected) void load();
  }, [connected, load]);
  const sources = useMemo(() => [...new Set(lines.map((l) => l.source))].sort(), [lines]);
  const shown = useMemo(() => filterLines(lines, filter), [lines, filter]);

  return (
    <section className="logs-view" aria-label="Logs">
      <article className="card logs-card" aria-labelledby="log-title">
        <header className="card-header">
          <h2 id="log-title">Relay log</h2>
          {loading && !loaded && <span className="muted">Loading…</span>}
        </header>
        {error && (
          <p className="inline-error" role="alert">
            Could not load the log tail: {error}{' '}
            <button type="button" className="link" onClick={() => void load()}>
              Retry
            </button>
          </p>
        )}
        <LogToolbar
          filter={filter}
          sources={sources}
          shown={shown.length}
          total={lines.length}
          follow={follow}
          onFilter={setFilter}
          onFollow={setFollow}
        />
        <LogList lines={shown} follow={follow} onScrolledAway={() => setFollow(false)} />
      </article>
      <article className="card timeline-card" aria-labelledby="timeline-title">
        <header className="card-header">
          <h2 id="timeline-title">Supervisor events</h2>
        </header>
        <Timeline entries={timeline} />
      </article>
    </section>
  );
}
