import type { CSSProperties } from 'react';
import type { PlanItem } from '../../shared/launch';
import type { RelayState } from '../../shared/relay-status';
import { TIER_NAMES, TIERS, type TierName } from '../../shared/tiers';
import { capitalize, formatElapsed, formatObjective, formatTargetMs } from '../format';
import { usePerformanceNow } from '../hooks';
import { useRelayStore, useTierStore } from '../stores';

const LEVEL_LABEL = { standard: 'Standard', high: 'High', maximum: 'Maximum' } as const;

const PHASE: Partial<Record<RelayState, string>> = {
  running: 'saving the tier',
  stopping: 'stopping the relay',
  stopped: 'starting under the new plan',
  starting: 'waiting for the relay to be ready',
  backoff: 'restarting the relay',
};

function SwitchProgress({ tier, startedAt }: { tier: TierName; startedAt: number }) {
  const now = usePerformanceNow(100);
  const state = useRelayStore((s) => s.status?.state ?? 'stopped');
  return (
    <p className="tier-progress" role="status" data-testid="tier-switch-progress">
      <span className="spinner" aria-hidden="true" />
      Switching to {capitalize(tier)}: {PHASE[state] ?? state}…{' '}
      <span className="num">{formatElapsed(Math.max(0, now - startedAt))}</span>
    </p>
  );
}

/**
 * One setting of the tier as the OS and runtime applied it (shown = applied, issue 22): the applied
 * value, or the request marked "requested, not granted" with the reason. Before the relay runs under
 * this tier, the tier's request, marked as such.
 */
function AppliedFact({
  label,
  item,
  requested,
}: {
  label: string;
  item: PlanItem | null;
  requested: string;
}) {
  let body;
  if (!item)
    body = <span title="Applied when the relay starts under this tier">{requested} (requested)</span>;
  else if (item.granted) body = <span>{item.applied ?? item.requested}</span>;
  else
    body = (
      <span className="not-granted" data-testid={`not-granted-${item.name}`} title={item.reason}>
        {item.requested}: requested, not granted{item.reason ? ` (${item.reason})` : ''}
      </span>
    );
  return (
    <div>
      <dt>{label}</dt>
      <dd>{body}</dd>
    </div>
  );
}

function TierFacts({ tier }: { tier: TierName }) {
  const spec = TIERS[tier];
  const launch = useRelayStore((s) => (s.status?.launch?.tier === tier ? s.status.launch : null));
  const item = (name: PlanItem['name']) => launch?.items.find((i) => i.name === name) ?? null;
  return (
    <dl className="tier-facts" data-testid="tier-facts" data-applied={launch ? 'true' : 'false'}>
      <AppliedFact
        label="Priority"
        item={item('priority')}
        requested={`${spec.priority}${spec.realtime ? ', real-time' : ''}`}
      />
      {spec.realtime && <AppliedFact label="Scheduling" item={item('scheduling')} requested="real-time" />}
      <AppliedFact
        label="Affinity"
        item={item('affinity')}
        requested={spec.dedicatedCores ? 'dedicated cores' : 'none'}
      />
      <AppliedFact
        label="GC_PERCENT"
        item={item('GC_PERCENT')}
        requested={String(spec.knobs.gcPercent ?? 'default')}
      />
      <div>
        <dt>Rate limit</dt>
        <dd>
          {spec.rateLimit.perSecond}/s, burst {spec.rateLimit.burst}
        </dd>
      </div>
    </dl>
  );
}

/** The tiers of the tier table as one-click buttons; a switch shows progress, then its measured click-to-ready time. */
export function TierSwitcher() {
  const current = useRelayStore((s) => s.status?.tier ?? null);
  const connected = useRelayStore((s) => s.connected);
  const { switching, startedAt, last, error, switchTo, dismissError } = useTierStore();

  return (
    <article className="card tier-card" aria-labelledby="tier-title">
      <header className="card-header">
        <h2 id="tier-title">Performance tier</h2>
      </header>
      <div
        className="tier-buttons"
        role="group"
        aria-label="Performance tier"
        // One column per tier: the count comes from the tier table, not the stylesheet.
        style={{ '--tier-count': TIER_NAMES.length } as CSSProperties}
      >
        {TIER_NAMES.map((name) => {
          const spec = TIERS[name];
          const selected = name === current;
          return (
            <button
              key={name}
              type="button"
              className={`tier-button${selected ? ' selected' : ''}${switching === name ? ' busy' : ''}`}
              aria-pressed={selected}
              disabled={!connected || switching !== null}
              onClick={() => void switchTo(name)}
              data-testid={`tier-button-${name}`}
            >
              <span className="tier-name">{capitalize(name)}</span>
              <span className="tier-sla">
                {formatTargetMs(spec.targetMs)} · {formatObjective(spec.objective)}
              </span>
              <span className="tier-level">{LEVEL_LABEL[spec.level]}</span>
            </button>
          );
        })}
      </div>
      {current && <TierFacts tier={current} />}
      <div className="tier-outcome" aria-live="polite">
        {switching && startedAt !== null ? (
          <SwitchProgress tier={switching} startedAt={startedAt} />
        ) : error ? (
          <p className="inline-error" role="alert">
            Could not switch to {capitalize(error.tier)}: {error.message}{' '}
            <button type="button" className="link" onClick={dismissError}>
              Dismiss
            </button>
          </p>
        ) : last ? (
          <p className="tier-result" data-testid="tier-switch-result">
            {last.from === last.to ? (
              <>Already on {capitalize(last.to)}.</>
            ) : last.durationMs === null ? (
              <>Selected {capitalize(last.to)}; it applies when the relay starts.</>
            ) : (
              <>
                {capitalize(last.from)} → {capitalize(last.to)}: ready in{' '}
                <strong className="num" data-testid="tier-switch-duration">
                  {formatElapsed(last.durationMs)}
                </strong>
              </>
            )}
          </p>
        ) : (
          <p className="muted">
            A running relay restarts under the new tier's plan; the switch is timed from click to ready.
          </p>
        )}
      </div>
    </article>
  );
}
