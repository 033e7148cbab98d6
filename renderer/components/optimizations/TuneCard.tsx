import { useEffect, useState } from 'react';
import { TIER_NAMES, type TierName } from '../../../shared/tiers';
import {
  TUNE_COLUMNS,
  tuneCells,
  tuneDesignLine,
  tuneScopeLine,
  type TuneResult,
} from '../../../shared/tuning';
import { api } from '../../api/client';
import { ProgressBar } from '../reports/ProgressBar';
import { createTuneStore } from './tune-store';

export const useTuneStore = createTuneStore(api);

const PHASE_TEXT = {
  planning: 'Planning',
  contention: 'Starting CPU contention',
  measuring: 'Measuring',
  restoring: 'Putting the relay back on its saved plan',
  done: 'Done',
} as const;

const seconds = (s: number) =>
  s >= 60 ? `${Math.floor(s / 60)} min ${Math.round(s % 60)} s` : `${Math.round(s)} s`;

/**
 * "Tune this machine": which launch plan meets the tier's SLA best here, measured. Candidates the
 * machine cannot grant are listed with the reason; a result is recommended only beyond the noise.
 */
export function TuneCard() {
  const state = useTuneStore();
  const [tier, setTier] = useState<TierName>('enterprise');
  const [budget, setBudget] = useState(180);
  const [contention, setContention] = useState(false);
  const [profileName, setProfileName] = useState('');
  const request = { tier, budgetSeconds: budget, rateHz: 200, contention };
  const { preview, loadLast } = state;

  useEffect(() => {
    void loadLast();
  }, [loadLast]);
  useEffect(() => {
    const timer = setTimeout(() => void preview({ tier, budgetSeconds: budget, contention }), 250);
    return () => clearTimeout(timer);
  }, [preview, tier, budget, contention]);

  const progress = state.progress;
  return (
    <article className="card tune-card" aria-labelledby="tune-title" data-testid="tune-card">
      <header className="card-header">
        <h2 id="tune-title">Tune this machine</h2>
      </header>
      <p className="muted">
        Tries the plans this machine can grant for a tier (priority, real-time scheduling, affinity, runtime
        knobs) in short interleaved blocks, with the same probes for each, and compares each with the tier’s
        default. Results hold for this machine and this load only.
      </p>
      <fieldset className="report-form" disabled={state.running}>
        <legend className="visually-hidden">Tuning settings</legend>
        <label className="inline-field">
          Tier
          <select value={tier} onChange={(e) => setTier(e.target.value as TierName)}>
            {TIER_NAMES.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field">
          Time budget (s)
          <input
            type="number"
            min={30}
            max={1800}
            step={10}
            value={budget}
            onChange={(e) => setBudget(Number(e.target.value))}
          />
        </label>
        <label className="check">
          <input type="checkbox" checked={contention} onChange={(e) => setContention(e.target.checked)} /> CPU
          contention (2 busy processes per core)
        </label>
      </fieldset>
      {state.plan && !state.running && (
        <div className="tune-plan" data-testid="tune-plan">
          <p>
            {state.plan.candidates.length} candidates: {state.plan.candidates.map((c) => c.label).join(' · ')}
            . <span className="muted">Estimate: {state.plan.estimate}.</span>
          </p>
          {state.plan.skipped.length > 0 && (
            <details>
              <summary>{state.plan.skipped.length} skipped on this machine</summary>
              <ul>
                {state.plan.skipped.map((s) => (
                  <li key={s.label}>
                    {s.label}: <span className="muted">{s.reason}</span>
                  </li>
                ))}
              </ul>
            </details>
          )}
        </div>
      )}
      {state.planError && !state.running && (
        <p className="inline-error" role="alert">
          {state.planError}
        </p>
      )}
      <div className="report-actions">
        {state.running ? (
          <button type="button" onClick={state.cancel}>
            Cancel tuning
          </button>
        ) : (
          <button
            type="button"
            className="primary"
            disabled={state.plan === null}
            onClick={() => void state.run(request)}
          >
            Tune {tier}
          </button>
        )}
      </div>
      {state.running && progress && (
        <div role="status" aria-live="polite" data-testid="tune-progress">
          <p>
            {PHASE_TEXT[progress.phase]}
            {progress.phase === 'measuring' && progress.candidate ? `: ${progress.candidate}` : ''}
            {progress.rounds > 0 && progress.phase === 'measuring'
              ? ` (round ${progress.round} of ${progress.rounds})`
              : ''}
          </p>
          <ProgressBar label="Blocks measured" done={progress.blocksDone} total={progress.blocksTotal} />
          <p className="muted">
            {seconds(progress.elapsedSeconds)} elapsed, about{' '}
            {seconds(Math.max(0, progress.estimateSeconds - progress.elapsedSeconds))} left.
          </p>
        </div>
      )}
      {state.error && (
        <p className="inline-error" role="alert">
          {state.error}
        </p>
      )}
      {state.otherMachine && !state.result && (
        <p className="muted" data-testid="tune-other-machine">
          The last tuning run is not shown: it was {state.otherMachine}. Tune this machine to get its own.
        </p>
      )}
      {state.result && !state.running && (
        <TuneResultView
          result={state.result}
          profileName={profileName}
          onProfileName={setProfileName}
          onApply={(as) => void state.apply(as, as === 'profile' ? profileName : undefined)}
          applied={state.applied?.message ?? null}
        />
      )}
    </article>
  );
}

function TuneResultView(props: {
  result: TuneResult;
  profileName: string;
  onProfileName: (name: string) => void;
  onApply: (as: 'overrides' | 'profile') => void;
  applied: string | null;
}) {
  const { result } = props;
  const recommendation = result.recommendation;
  return (
    <div className="tune-result" data-testid="tune-result">
      <p
        className={recommendation.kind === 'apply' ? 'tune-recommendation' : ''}
        data-testid="tune-recommendation"
      >
        <strong>{recommendation.text}</strong>
      </p>
      <div className="table-scroll">
        <table className="data-table">
          <caption>{tuneDesignLine(result)}</caption>
          <thead>
            <tr>
              {TUNE_COLUMNS.map((c) => (
                <th key={c.key} scope="col">
                  {c.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {result.results.map((r) => {
              const cells = tuneCells(r, result.intervalLevel);
              return (
                <tr key={r.candidate.id} data-candidate={r.candidate.id}>
                  {TUNE_COLUMNS.map((c) =>
                    c.key === 'candidate' ? (
                      <th key={c.key} scope="row">
                        {cells.candidate}
                        {!r.candidate.applicable && <span className="muted"> (measured only)</span>}
                      </th>
                    ) : (
                      <td
                        key={c.key}
                        className={c.key === 'difference' && r.significant ? 'better' : undefined}
                      >
                        {cells[c.key]}
                      </td>
                    ),
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p className="muted">{tuneScopeLine(result)}</p>
      {recommendation.kind === 'apply' && (
        <div className="report-actions">
          <button type="button" className="primary" onClick={() => props.onApply('overrides')}>
            Apply to {result.request.tier}
          </button>
          <input
            aria-label="Profile name"
            placeholder="Profile name"
            value={props.profileName}
            maxLength={64}
            onChange={(e) => props.onProfileName(e.target.value)}
          />
          <button
            type="button"
            disabled={props.profileName.trim() === ''}
            onClick={() => props.onApply('profile')}
          >
            Save as profile
          </button>
        </div>
      )}
      {props.applied && (
        <p role="status" data-testid="tune-applied">
          {props.applied}
        </p>
      )}
    </div>
  );
}
