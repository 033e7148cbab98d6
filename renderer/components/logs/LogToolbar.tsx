import type { LogLevel } from '../../../shared/logs';
import { capitalize, formatCount } from '../../format';
import { LEVELS, type LogFilter } from '../../store/logs-store';

/** Level, source and text filters for the log tail, with how many lines match. */
export function LogToolbar({
  filter,
  sources,
  shown,
  total,
  follow,
  onFilter,
  onFollow,
}: {
  filter: LogFilter;
  sources: readonly string[];
  shown: number;
  total: number;
  follow: boolean;
  onFilter: (patch: Partial<LogFilter>) => void;
  onFollow: (follow: boolean) => void;
}) {
  return (
    <div className="log-toolbar" role="search" aria-label="Filter log lines">
      <label className="inline-field">
        <span>Level</span>
        <select
          value={filter.minLevel}
          onChange={(e) => onFilter({ minLevel: e.target.value as LogLevel })}
          data-testid="log-level"
        >
          {LEVELS.map((level) => (
            <option key={level} value={level}>
              {level === 'fatal' ? 'fatal only' : `${level} and above`}
            </option>
          ))}
        </select>
      </label>
      <label className="inline-field">
        <span>Source</span>
        <select
          value={filter.sources[0] ?? ''}
          onChange={(e) => onFilter({ sources: e.target.value ? [e.target.value] : [] })}
        >
          <option value="">All</option>
          {sources.map((source) => (
            <option key={source} value={source}>
              {capitalize(source)}
            </option>
          ))}
        </select>
      </label>
      <label className="inline-field grow">
        <span className="sr-only">Search</span>
        <input
          type="search"
          placeholder="Search messages and fields"
          value={filter.query}
          onChange={(e) => onFilter({ query: e.target.value })}
          data-testid="log-search"
        />
      </label>
      <label className="toggle">
        <input type="checkbox" checked={follow} onChange={(e) => onFollow(e.target.checked)} />
        Follow
      </label>
      <span className="muted num" role="status" aria-live="polite">
        {formatCount(shown)} of {formatCount(total)}
      </span>
    </div>
  );
}
