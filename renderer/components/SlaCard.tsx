import { useState } from 'react';
import { formatCoverage, probeLatenessNote } from '../../shared/figures';
import { TIERS } from '../../shared/tiers';
import { budgetLine, judgeSummary, verdictDetail, VERDICT_TONE, VERDICT_WORDS } from '../../shared/verdict';
import {
  formatClock,
  formatCount,
  formatMs,
  formatObjective,
  formatPercent,
  formatTargetMs,
} from '../format';
import type { OtherTierSla } from '../../shared/metrics';
import { WINDOW_NAMES, type SlaSummary, type WindowName } from '../metrics/types';

const EMPTY_OTHERS: readonly OtherTierSla[] = [];
import { useMetricsStore, useRelayStore } from '../stores';
import { SegmentedControl } from './SegmentedControl';

const WINDOW_LABEL: Record<WindowName, string> = {
  '1m': '1 min',
  '15m': '15 min',
  '1h': '1 h',
  '24h': '24 h',
  session: 'Session',
};

const DETAIL_FORMAT = {
  count: formatCount,
  percent: (f: number) => formatPercent(f),
  objective: formatObjective,
};

/** Other tiers' samples inside the same span, each against its own target and objective. */
function OtherTiers({ rows, tier }: { rows: readonly OtherTierSla[]; tier: string }) {
  if (rows.length === 0) return null;
  return (
    <div className="other-tiers" data-testid="sla-other-tiers">
      <p className="hint">
        This window also holds samples of {rows.length === 1 ? 'another tier' : `${rows.length} other tiers`},
        each judged against its own SLA; the figures above are {tier}&apos;s alone.
      </p>
      <ul>
        {rows.map((o) => (
          <li key={o.tier} data-tier={o.tier}>
            <strong>{o.tier}</strong> · n = {formatCount(o.sla.n)} · {formatPercent(o.sla.compliance)} within{' '}
            {formatTargetMs(o.sla.targetMs)} (objective {formatObjective(o.sla.objective)}) ·{' '}
            <span className={`verdict-inline tone-${VERDICT_TONE[o.sla.verdict]}`}>
              {VERDICT_WORDS[o.sla.verdict]}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

function BudgetBar({ budget }: { budget: Pick<SlaSummary['errorBudget'], 'allowed' | 'used'> }) {
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
  const ownTime = useMetricsStore((s) => s.latest?.probeOwnTime?.[windowName] ?? null);
  const coverageOf = useMetricsStore((s) => s.latest?.coverage?.[windowName] ?? null);
  const probeState = useMetricsStore((s) => s.latest?.probe?.state ?? null);
  const tier = useRelayStore((s) => s.status?.tier ?? 'free');
  const spec = TIERS[tier];
  const targetMs = sla?.targetMs ?? spec.targetMs;
  const objective = sla?.objective ?? spec.objective;
  const judgement = sla ? judgeSummary(sla) : null;
  const verdict = judgement?.verdict ?? 'no data';
  const budget = judgement?.budget ?? null;
  const span = useMetricsStore((s) => s.latest?.windows[windowName].span ?? null);
  const otherTiers = useMetricsStore((s) => s.latest?.windows[windowName].otherTiers ?? EMPTY_OTHERS);
  // Coverage counts every tier's samples in the span: the slots were probed, whichever tier ran.
  const coverage = coverageOf
    ? { c: coverageOf, n: (sla?.n ?? 0) + otherTiers.reduce((sum, o) => sum + o.sla.n, 0) }
    : null;

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
          className={`verdict verdict-${verdict.replace(/ /g, '-')}`}
          data-testid="sla-verdict"
          data-verdict={verdict}
          role="status"
        >
          {VERDICT_WORDS[verdict]}
        </span>
      </div>
      {judgement && (
        <p className="verdict-detail" data-testid="sla-verdict-detail">
          {verdictDetail(judgement, objective, DETAIL_FORMAT)}
        </p>
      )}
      <div className="muted">
        within {formatTargetMs(targetMs)} · objective {formatObjective(objective)}
        {coverage && <span data-testid="sla-coverage"> · {formatCoverage(coverage.n, coverage.c)}</span>}
      </div>
      {span && (
        <div
          className="muted"
          data-testid="sla-span"
          data-from={span.from}
          data-to={span.to}
          data-n={sla?.n ?? 0}
          data-misses={sla?.errorBudget.used ?? 0}
          data-tier={tier}
        >
          {tier} samples from {formatClock(span.from)} to {formatClock(span.to)}
          {windowName === 'session' ? ' (since the panel started)' : ''}
        </div>
      )}
      {probeState === 'waiting-for-block' && (
        <p className="hint" role="status" data-testid="probe-waiting">
          Waiting for the first block: the relay has none to serve yet, so nothing is measured. These seconds
          count as slots without samples in the window&apos;s coverage.
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
        <div>
          <dt title="The probe's own busy time between a request's write and its answer, p99: how much of each figure may be the probe's work rather than the relay's (an upper bound)">
            Probe own p99
          </dt>
          <dd data-testid="probe-own-time">{formatMs(ownTime?.p99)}</dd>
        </div>
      </dl>
      {lateNote && (
        <p className="hint" role="note" data-testid="probe-late-note">
          {lateNote}
        </p>
      )}
      <OtherTiers rows={otherTiers} tier={tier} />
      <div className="budget" data-testid="sla-budget">
        <div className="budget-head">
          <span>Error budget</span>
          <span className="muted">
            {budget
              ? budgetLine(judgement!, formatCount)
              : `none yet: one miss is allowed from n = ${formatCount(Math.ceil(1 / (1 - objective) - 1e-9))}`}
          </span>
        </div>
        {budget && <BudgetBar budget={budget} />}
      </div>
    </article>
  );
}
