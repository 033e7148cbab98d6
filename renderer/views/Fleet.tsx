import { useEffect } from 'react';
import { FLEET_WINDOWS } from '../../shared/fleet';
import { AddFleetEntry } from '../components/fleet/AddFleetEntry';
import { FleetTable } from '../components/fleet/FleetTable';
import { RemoteSlaTestCard } from '../components/fleet/RemoteSlaTestCard';
import { SegmentedControl } from '../components/SegmentedControl';
import { formatClock } from '../format';
import { useFleetStore } from '../stores';

const WINDOWS = FLEET_WINDOWS.map((w) => ({ value: w, label: w }));
// Often enough that a row turning unreachable (two 5 s scrape intervals) shows within 2 s of it.
const REFRESH_MS = 2000;

export function Fleet() {
  const { snapshot, window, setWindow, refresh, error, slaPanelId } = useFleetStore();
  const slaRow = snapshot?.rows.find((row) => row.id === slaPanelId && row.controllable);
  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  return (
    <section className="fleet-view" aria-label="Fleet">
      <article className="card" aria-labelledby="fleet-title">
        <header className="card-header">
          <h2 id="fleet-title">Fleet</h2>
          <div className="card-tools">
            <SegmentedControl label="Window" options={WINDOWS} value={window} onChange={setWindow} />
            {snapshot && <span className="card-note">as of {formatClock(snapshot.at)}</span>}
          </div>
        </header>
        <p className="muted card-intro">
          Probe compliance is this panel&apos;s own probes within the tier&apos;s target, as on the Dashboard
          (a remote panel&apos;s, for its relay). Block latency and blocks within target come from Prometheus
          (PromQL) when one is added, else from each relay&apos;s own /metrics; latencies are histogram bucket
          bounds. A relay silent for two scrape intervals is unreachable. Lag is blocks behind the best tip.
          {snapshot?.prometheus &&
            (snapshot.prometheus.ok
              ? ` Prometheus: ${snapshot.prometheus.url}.`
              : ` Prometheus at ${snapshot.prometheus.url} is not answering: ${snapshot.prometheus.error}`)}
        </p>
        {error && (
          <p className="inline-error" role="alert">
            {error}
          </p>
        )}
        {snapshot ? <FleetTable rows={snapshot.rows} /> : <p className="muted">Loading the fleet…</p>}
      </article>
      {slaRow && <RemoteSlaTestCard key={slaRow.id} row={slaRow} />}
      <AddFleetEntry tokenStorage={snapshot?.tokenStorage ?? null} />
    </section>
  );
}
