import { useEffect, useMemo, useState } from 'react';
import { probeLatenessNote } from '../../../shared/figures';
import { TIERS } from '../../../shared/tiers';
import { formatMs, formatTargetMs } from '../../format';
import { useChartColors, useNow } from '../../hooks';
import { RANGE_KEYS, RANGES, type RangeKey } from '../../metrics/ranges';
import { latencyAxis } from '../../metrics/axis';
import { since, type LatencyPoint } from '../../metrics/series';
import { offScale } from '../../metrics/tier-segments';
import { useHistoryStore, useMetricsStore, useRelayStore } from '../../stores';
import { LatencyChart } from './LatencyChart';
import { SegmentedControl } from '../SegmentedControl';

/** History points, then the live seconds after the last (possibly partial) history bucket. */
export function withLiveTail(
  history: readonly LatencyPoint[],
  live: readonly LatencyPoint[],
  stepMs: number,
): LatencyPoint[] {
  const lastT = history[history.length - 1]?.t ?? Number.NEGATIVE_INFINITY;
  const tail = since(live, lastT + stepMs);
  return tail.length === 0 ? (history as LatencyPoint[]) : [...history, ...tail];
}

function useRangeHistory(range: RangeKey) {
  const spec = RANGES[range];
  const entry = useHistoryStore((s) => s.ranges[range]);
  const load = useHistoryStore((s) => s.load);
  useEffect(() => {
    if (spec.source !== 'history') return;
    void load(range);
    const timer = setInterval(() => void load(range), spec.refreshMs);
    return () => clearInterval(timer);
  }, [range, spec, load]);
  return entry;
}

export function LatencyPanel() {
  const [range, setRange] = useState<RangeKey>('5m');
  const [logScale, setLogScale] = useState(false);
  const colors = useChartColors();
  const spec = RANGES[range];
  const live = useMetricsStore((s) => s.live);
  const latest = useMetricsStore((s) => s.latest);
  const tier = useRelayStore((s) => s.status?.tier ?? null);
  const history = useRangeHistory(range);
  const coarseNow = useNow(5000);

  const lastT = live[live.length - 1]?.t ?? 0;
  const to = Math.max(lastT + 1000, coarseNow);
  const from = to - spec.ms;
  const points = useMemo(
    () =>
      spec.source === 'live'
        ? since(live, from)
        : withLiveTail(history?.points ?? [], since(live, from), history?.stepMs ?? 1000),
    [spec.source, live, history?.points, history?.stepMs, from],
  );
  const targetMs = latest?.windows['1m'].sla.targetMs ?? (tier ? TIERS[tier].targetMs : null);
  // The chart's own axis rule: a target it leaves off is named as off scale in the legend too.
  const targetOff = offScale(targetMs, latencyAxis(points, targetMs, logScale).domain[1]);
  const lateNote = probeLatenessNote(latest?.probeLateness?.['1m'], 'in the last minute');
  // A stopped relay sends no ticks: do not keep showing its last second as current.
  const last = latest && coarseNow - latest.at < 6000 ? latest.second : undefined;

  return (
    <article className="card chart-card latency-card" aria-labelledby="latency-title">
      <header className="card-header">
        <h2 id="latency-title">Latency</h2>
        <div className="card-tools">
          <SegmentedControl
            label="Time range"
            options={RANGE_KEYS.map((key) => ({ value: key, label: RANGES[key].label }))}
            value={range}
            onChange={setRange}
          />
          <label className="toggle">
            <input type="checkbox" checked={logScale} onChange={(e) => setLogScale(e.target.checked)} />
            Log scale
          </label>
        </div>
      </header>
      <ul className="legend" aria-label="Last second">
        <li className="swatch-p50">
          p50 <strong>{formatMs(last?.n ? last.p50 : null)}</strong>
        </li>
        <li className="swatch-p99">
          p99 <strong>{formatMs(last?.n ? last.p99 : null)}</strong>
        </li>
        <li className="swatch-max">
          max <strong>{formatMs(last?.n ? last.max : null)}</strong>
        </li>
        <li className="swatch-target" data-testid="legend-sla">
          SLA {targetMs === null ? '—' : formatTargetMs(targetMs)}
          {targetOff ? ' (off scale, above the chart)' : ''}
        </li>
        {history?.resolution && spec.source === 'history' && (
          <li className="legend-note">resolution {history.resolution}</li>
        )}
      </ul>
      <div className="chart-body" data-testid="latency-chart" data-points={points.length}>
        <LatencyChart
          points={points}
          from={from}
          to={to}
          targetMs={targetMs}
          logScale={logScale}
          colors={colors}
          rangeLabel={spec.spokenLabel}
          stepMs={spec.source === 'history' ? (history?.stepMs ?? 1000) : 1000}
        />
        {points.length === 0 && (
          <p className="chart-empty">
            <span>
              {history?.loading
                ? 'Loading history…'
                : 'No samples in this range yet. The probe reports once a second while the relay runs.'}
            </span>
          </p>
        )}
      </div>
      {lateNote && (
        <p className="hint" role="note" data-testid="latency-probe-late">
          {lateNote}
        </p>
      )}
      {history?.error && spec.source === 'history' && (
        <p className="inline-error" role="alert">
          Could not load {spec.spokenLabel}: {history.error}{' '}
          <button type="button" className="link" onClick={() => void useHistoryStore.getState().load(range)}>
            Retry
          </button>
        </p>
      )}
    </article>
  );
}
