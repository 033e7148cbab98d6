import type { TimelineEntry } from '../../../shared/logs';
import { formatClock, formatDateTime } from '../../format';

const KIND_LABEL: Record<TimelineEntry['kind'], string> = {
  spawned: 'Spawned',
  ready: 'Ready',
  exited: 'Exited',
  backoff: 'Backoff',
  'crash-loop': 'Crash loop',
  degraded: 'Degraded',
  'spawn-failed': 'Start failed',
  'stopped-on-exit-code': 'Not restarted',
  'tier-switched': 'Tier switched',
  'stale-reaped': 'Stale reaped',
};

/** Whether an entry is bad news: unexpected exits, crash loops, failed starts. */
export function entryTone(entry: TimelineEntry): 'ok' | 'info' | 'warn' | 'bad' {
  switch (entry.kind) {
    case 'ready':
      return 'ok';
    case 'exited':
      return entry.details.expected === true ? 'info' : 'bad';
    case 'crash-loop':
    case 'spawn-failed':
    case 'stopped-on-exit-code':
      return 'bad';
    case 'backoff':
    case 'degraded':
    case 'stale-reaped':
      return 'warn';
    default:
      return 'info';
  }
}

/** Supervisor events, newest first. */
export function Timeline({ entries }: { entries: readonly TimelineEntry[] }) {
  const newestFirst = [...entries].reverse();
  return (
    <ol className="timeline" aria-label="Supervisor events, newest first" data-testid="timeline">
      {newestFirst.length === 0 && <li className="muted">No supervisor events yet.</li>}
      {newestFirst.map((entry, i) => {
        const tone = entryTone(entry);
        return (
          <li
            key={`${entry.at}-${entry.kind}-${i}`}
            className={`timeline-entry tone-${tone}`}
            data-kind={entry.kind}
          >
            <span className="timeline-dot" aria-hidden="true" />
            <div className="timeline-head">
              <span className={`badge badge-${tone}`}>{KIND_LABEL[entry.kind]}</span>
              <span className="timeline-source">{entry.source}</span>
              <time dateTime={new Date(entry.at).toISOString()} title={formatDateTime(entry.at)}>
                {formatClock(entry.at)}
              </time>
            </div>
            <p className="timeline-summary">{entry.summary}</p>
          </li>
        );
      })}
    </ol>
  );
}
