import { useState } from 'react';
import { TIER_NAMES, type TierName } from '../../../shared/tiers';
import { useReportsStore } from '../../stores';
import { ProgressBar } from './ProgressBar';
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
  const [tiers, setTiers] = useState<TierName[]>(['free', 'enterprise']);
  const [probes, setProbes] = useState(3000);
  const [rate, setRate] = useState(100);
  const [contention, setContention] = useState(false);
  const toggle = (tier: TierName) =>
    setTiers((current) =>
      current.includes(tier)
        ? current.filter((t) => t !== tier)
        : TIER_NAMES.filter((t) => t === tier || current.includes(t)),
    );
  const seconds = Math.ceil((tiers.length * probes) / rate);
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
      <fieldset className="report-form" disabled={state.running}>
        <legend className="visually-hidden">SLA test settings</legend>
        <div role="group" aria-label="Tiers to compare" className="tier-checks">
          {TIER_NAMES.map((tier) => (
            <label key={tier} className="check">
              <input type="checkbox" checked={tiers.includes(tier)} onChange={() => toggle(tier)} /> {tier}
            </label>
          ))}
        </div>
        <label className="inline-field">
          Probes per tier
          <input
            type="number"
            min={100}
            max={100000}
            step={100}
            value={probes}
            onChange={(e) => setProbes(Number(e.target.value))}
          />
        </label>
        <label className="inline-field">
          Rate (Hz)
          <input
            type="number"
            min={1}
            max={500}
            value={rate}
            onChange={(e) => setRate(Number(e.target.value))}
          />
        </label>
        <label className="check">
          <input type="checkbox" checked={contention} onChange={(e) => setContention(e.target.checked)} /> CPU
          contention (2 busy processes per core)
        </label>
      </fieldset>
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
            onClick={() => void runSlaTest({ tiers, probesPerTier: probes, rateHz: rate, contention })}
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
