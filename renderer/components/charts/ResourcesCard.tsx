import { useMemo } from 'react';
import { formatCpu, formatMb, formatMs } from '../../format';
import { useChartColors } from '../../hooks';
import { useMetricsStore } from '../../stores';
import { Sparkline } from './Sparkline';

/** The relay process's CPU and memory over the last five minutes, and its event-loop delay. */
export function ResourcesCard() {
  const colors = useChartColors();
  const resources = useMetricsStore((s) => s.resources);
  const latest = useMetricsStore((s) => s.latest?.resources ?? null);
  const cpu = useMemo(() => resources.map((r) => r.cpu), [resources]);
  const rss = useMemo(() => resources.map((r) => r.rssMb), [resources]);
  const peakCpu = resources.reduce((m, r) => Math.max(m, r.cpu ?? 0), 0);
  const peakRss = resources.reduce((m, r) => Math.max(m, r.rssMb ?? 0), 0);
  return (
    <article className="card resources-card" aria-labelledby="resources-title">
      <header className="card-header">
        <h2 id="resources-title">Relay resources</h2>
        <span className="card-note">last 5 min</span>
      </header>
      <div className="resource">
        <div className="resource-head">
          <span>CPU</span>
          <strong data-testid="relay-cpu">{formatCpu(latest?.relayCpuPercent)}</strong>
        </div>
        <Sparkline
          values={cpu}
          color={colors.cpu}
          minMax={10}
          label={`Relay CPU, now ${formatCpu(latest?.relayCpuPercent)}, peak ${formatCpu(peakCpu)} over 5 minutes`}
        />
      </div>
      <div className="resource">
        <div className="resource-head">
          <span>Memory (RSS)</span>
          <strong data-testid="relay-rss">{formatMb(latest?.relayRssMb)}</strong>
        </div>
        <Sparkline
          values={rss}
          color={colors.memory}
          minMax={8}
          baseline="range"
          label={`Relay memory, now ${formatMb(latest?.relayRssMb)}, peak ${formatMb(peakRss)} over 5 minutes`}
        />
      </div>
      <dl className="facts compact">
        <div>
          <dt>Event-loop delay</dt>
          <dd>{formatMs(latest?.relayEventLoopDelayMs)}</dd>
        </div>
        <div>
          <dt>Peak CPU</dt>
          <dd>{resources.length ? formatCpu(peakCpu) : '—'}</dd>
        </div>
      </dl>
    </article>
  );
}
