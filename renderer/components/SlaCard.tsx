import { useState } from 'react';
import { formatCoverage, probeLatenessNote } from '../../shared/figures';
import { TIERS } from '../../shared/tiers';
import {
  formatBudget,
  formatCount,
  formatMs,
  formatObjective,
  formatPercent,
  formatTargetMs,
} from '../format';
import { WINDOW_NAMES, type SlaSummary, type WindowName } from '../metrics/types';
import { useMetricsStore, useRelayStore } from '../stores';
import { SegmentedControl } from './SegmentedControl';

const WINDOW_LABEL: Record<WindowName, string> = {
  '1m': '1 min',
  '15m': '15 min',
  '1h': '1 h',
  '24h': '24 h',
  session: 'Session',
};

const VERDICT_LABEL: Record<SlaSummary['verdict'], string> = {
  pass: 'Meets SLA',
  fail: 'Misses SLA',
  'insufficient samples': 'Insufficient samples',
};

function BudgetBar({ budget }: { budget: SlaSummary['errorBudget'] }) {
  const share = budget.allowed > 0 ? Math.min(1, budget.used / budget.allowed) : budget.used > 0 ? 1 : 0;
  const tone = share >= 1 ? 'bad' : share >= 0.75 ? 'warn' : 'ok';
  return (
    <div
      className={`budget-bar tone-${tone}`}
      role="meter"
      aria-label="Error budget used"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(share * 100)}
      aria-valuetext={`${formatCount(budget.used)} of ${formatCount(budget.allowed)} misses used`}
    >
      <span style={{ width: `${share * 100}%` }} />
    </div>
  );
}

/** Compliance against the tier's SLA over a window, with n, the 95% bound and the error budget. */
export function SlaCard() {
  const [windowName, setWindowName] = useState<WindowName>('15m');
  const sla = useMetricsStore((s) => s.latest?.windows[windowName].sla ?? null);
  const latency = useMetricsStore((s) => s.latest?.windows[windowName].latency ?? null);
  const lateness = useMetricsStore((s) => s.latest?.probeLateness?.[windowName] ?? null);
  const lateNote = probeLatenessNote(lateness);
  const coverage = useMetricsStore((s) => s.latest?.coverage?.[windowName] ?? null);
  const probeState = useMetricsStore((s) => s.latest?.probe?.state ?? null);
  const tier = useRelayStore((s) => s.status?.tier ?? 'free');
  const spec = TIERS[tier];
  const targetMs = sla?.targetMs ?? spec.targetMs;
  const objective = sla?.objective ?? spec.objective;
  const verdict = sla && sla.n > 0 ? sla.verdict : null;

  return (
    <article className="card sla-card" aria-labelledby="sla-title">
      <header className="card-header">
        <h2 id="sla-title">SLA</h2>
        <SegmentedControl
          label="SLA window"
          options={WINDOW_NAMES.map((w) => ({ value: w, label: WINDOW_LABEL[w] }))}
          value={windowName}
          onChange={setWindowName}
        />
      </header>
      <div className="sla-headline">
        <div className="big-number" data-testid="sla-compliance">
          {formatPercent(sla && sla.n > 0 ? sla.compliance : null)}
        </div>
        <span
          className={`verdict verdict-${verdict?.replace(' ', '-') ?? 'none'}`}
          data-testid="sla-verdict"
          role="status"
        >
          {verdict ? VERDICT_LABEL[verdict] : 'No samples yet'}
        </span>
      </div>
      <div className="muted">
        within {formatTargetMs(targetMs)} · objective {formatObjective(objective)}
        {coverage && <span data-testid="sla-coverage"> · {formatCoverage(sla?.n ?? 0, coverage)}</span>}
      </div>
      {probeState === 'waiting-for-block' && (
        <p className="hint" role="status" data-testid="probe-waiting">
          Waiting for the first block: the relay has none to serve yet, so nothing is measured. These seconds
          count as slots without samples in the window&apos;s coverage.
        </p>
      )}
      {verdict === 'insufficient samples' && sla && (
        <p className="hint">
          {formatCount(sla.n)} of the {formatCount(sla.requiredN)} samples needed to show{' '}
          {formatObjective(objective)} with 95% confidence.
        </p>
      )}
      <dl className="facts compact">
        <div>
          <dt>Samples (n)</dt>
          <dd>{formatCount(sla?.n ?? 0)}</dd>
        </div>
        <div>
          <dt title="One-sided 95% upper bound of the miss rate">95% miss bound</dt>
          <dd>
            {formatPercent(
              sla && sla.n > 0 ? sla.missUpperBound95 : null,
              sla && sla.missUpperBound95 < 0.01 ? 3 : 2,
            )}
          </dd>
        </div>
        <div>
          <dt>p50</dt>
          <dd>{formatMs(latency?.p50)}</dd>
        </div>
        <div>
          <dt>p99</dt>
          <dd>{formatMs(latency?.p99)}</dd>
        </div>
        <div>
          <dt>p99.9</dt>
          <dd>{formatMs(latency?.p999)}</dd>
        </div>
        <div>
          <dt title="How late the probe itself sent (actual − intended send time), p99">Probe late p99</dt>
          <dd data-testid="probe-lateness">{formatMs(lateness?.p99)}</dd>
        </div>
      </dl>
      {lateNote && (
        <p className="hint" role="note" data-testid="probe-late-note">
          {lateNote}
        </p>
      )}
      <div className="budget">
        <div className="budget-head">
          <span>Error budget</span>
          <span className="muted">{sla ? formatBudget(sla.errorBudget) : '—'}</span>
        </div>
        {sla && <BudgetBar budget={sla.errorBudget} />}
      </div>
    </article>
  );
}
