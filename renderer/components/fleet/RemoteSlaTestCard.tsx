import { useEffect, useState } from 'react';
import type { FleetRow } from '../../../shared/fleet';
import { formatClock } from '../../format';
import { useFleetStore } from '../../stores';
import { SlaTestForm, probingSeconds, useSlaTestChoices } from '../reports/SlaTestForm';
import { SlaTestTable } from '../reports/SlaTestTable';

/** Seconds since `since`, ticking once a second while `running`. */
function useElapsedSeconds(since: number | null, running: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    // Before the first tick `now` may predate `since`: that reads as 0 s, which it is.
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [running, since]);
  return since === null ? 0 : Math.max(0, Math.floor((now - since) / 1000));
}

/**
 * A remote panel's SLA test with the local test's choices and result table. The remote path sends no
 * progress, so while it runs the card says where, for how long so far, and how long it should take.
 */
export function RemoteSlaTestCard({ row }: { row: FleetRow }) {
  const state = useFleetStore((s) => s.remoteSla[row.id]);
  const { runRemoteSlaTest, cancelRemoteSlaTest, openRemoteSla } = useFleetStore();
  const form = useSlaTestChoices();
  const running = state?.running ?? false;
  const elapsed = useElapsedSeconds(state?.startedAt ?? null, running);
  const seconds = probingSeconds(form.choices);
  const titleId = `remote-sla-title-${row.id}`;

  return (
    <article className="card remote-sla" aria-labelledby={titleId}>
      <header className="card-header">
        <h2 id={titleId}>SLA test on {row.name}</h2>
        <div className="card-tools">
          <button type="button" className="link" onClick={() => openRemoteSla(null)} disabled={running}>
            Close
          </button>
        </div>
      </header>
      <p className="muted">
        Runs on {row.name}: its relay on each tier in turn, probed by that panel, each tier judged against its
        own target and objective. Its relay goes back on its tier afterwards.
      </p>
      <SlaTestForm {...form} disabled={running} />
      <div className="report-actions">
        {running ? (
          <button type="button" onClick={() => cancelRemoteSlaTest(row.id)}>
            Cancel test
          </button>
        ) : (
          <button
            type="button"
            className="primary"
            disabled={form.choices.tiers.length === 0 || row.state === 'unreachable'}
            onClick={() => void runRemoteSlaTest(row.id, row.name, form.choices)}
          >
            Run SLA test on {row.name}
          </button>
        )}
        <span className="muted">About {seconds} s of probing, plus a relay restart per tier.</span>
      </div>
      {!running && row.state === 'unreachable' && (
        <p className="muted">{row.name} is unreachable; the test can run once it answers again.</p>
      )}
      {running && state && (
        <p role="status" aria-live="polite" data-testid="remote-sla-running">
          Running on {row.name}… {elapsed} s so far
          {state.request ? ` (about ${probingSeconds(state.request)} s of probing)` : ''}. That panel sends no
          progress; the table appears when it has finished.
        </p>
      )}
      {state?.error && (
        <p className="inline-error" role="alert">
          {state.error}
        </p>
      )}
      {state?.cancelled && (
        <p className="muted" role="status">
          {state.cancelled}
        </p>
      )}
      {state?.result && (
        <>
          <p className="muted" data-testid="remote-sla-from">
            Result from {row.name}, finished at {formatClock(state.result.finishedAt)} (its clock).
          </p>
          <SlaTestTable result={state.result} />
        </>
      )}
    </article>
  );
}
