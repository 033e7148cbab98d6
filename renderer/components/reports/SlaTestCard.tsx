import { useReportsStore } from '../../stores';
import { ProgressBar } from './ProgressBar';
import { SlaTestForm, probingSeconds, useSlaTestChoices } from './SlaTestForm';
import { SlaTestTable } from './SlaTestTable';

const PHASE_TEXT = {
  contention: 'Starting CPU contention',
  switching: 'Switching the relay to',
  probing: 'Probing',
  restoring: 'Putting the relay back on its tier',
  done: 'Done',
} as const;

export function SlaTestCard() {
  const { slaTest: state, runSlaTest, cancelSlaTest } = useReportsStore();
  const form = useSlaTestChoices();
  const { tiers } = form.choices;
  const seconds = probingSeconds(form.choices);
  const progress = state.progress;

  return (
    <article className="card" aria-labelledby="sla-test-title">
      <header className="card-header">
        <h2 id="sla-test-title">SLA test</h2>
      </header>
      <p className="muted">
        Runs the relay on each tier in turn, under that tier's priority and affinity, and sends the same
        number of probes at a fixed rate. Each tier is judged against its own target and objective.
      </p>
      <SlaTestForm {...form} disabled={state.running} />
      <div className="report-actions">
        {state.running ? (
          <button type="button" onClick={cancelSlaTest}>
            Cancel test
          </button>
        ) : (
          <button
            type="button"
            className="primary"
            disabled={tiers.length === 0}
            onClick={() => void runSlaTest(form.choices)}
          >
            Run SLA test
          </button>
        )}
        <span className="muted">About {seconds} s of probing.</span>
      </div>
      {state.running && progress && (
        <div role="status" aria-live="polite">
          <p>
            {PHASE_TEXT[progress.phase]}
            {progress.tier && progress.phase !== 'restoring' && progress.phase !== 'done'
              ? ` ${progress.tier}`
              : ''}{' '}
            (tier {progress.tierIndex + 1} of {progress.tierCount})
          </p>
          {progress.phase === 'probing' && (
            <ProgressBar label="Probes sent" done={progress.done} total={progress.total} />
          )}
        </div>
      )}
      {state.error && (
        <p className="inline-error" role="alert">
          {state.error}
        </p>
      )}
      {state.result && <SlaTestTable result={state.result} />}
    </article>
  );
}
