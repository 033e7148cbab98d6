import { memo, useEffect, useRef } from 'react';
import type { LogLine } from '../../../shared/logs';
import { formatClockMs } from '../../format';

/** Rows drawn at most; the store keeps more, the search narrows them. */
export const RENDER_LIMIT = 500;

const HIDDEN_FIELDS = new Set(['component']);

export function fieldsText(fields: LogLine['fields']): string {
  if (!fields) return '';
  return Object.entries(fields)
    .filter(([key]) => !HIDDEN_FIELDS.has(key))
    .map(([key, value]) => {
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      return `${key}=${text && text.length > 120 ? `${text.slice(0, 117)}…` : text}`;
    })
    .join(' ');
}

const Row = memo(function Row({ line }: { line: LogLine }) {
  const fields = fieldsText(line.fields);
  return (
    <li className={`log-line level-${line.level}`}>
      <time className="log-time" dateTime={new Date(line.at).toISOString()}>
        {formatClockMs(line.at)}
      </time>
      <span className={`log-level level-${line.level}`}>{line.level}</span>
      <span className="log-source">{line.source}</span>
      <span className="log-message">
        {line.message}
        {fields && <span className="log-fields"> {fields}</span>}
      </span>
    </li>
  );
});

/** The newest lines, oldest at the top; when following, the view stays pinned to the bottom. */
export function LogList({
  lines,
  follow,
  onScrolledAway,
}: {
  lines: readonly LogLine[];
  follow: boolean;
  onScrolledAway: () => void;
}) {
  const ref = useRef<HTMLOListElement>(null);
  const shown = lines.length > RENDER_LIMIT ? lines.slice(-RENDER_LIMIT) : lines;
  useEffect(() => {
    const el = ref.current;
    if (follow && el) el.scrollTop = el.scrollHeight;
  }, [shown, follow]);
  return (
    <>
      {lines.length > RENDER_LIMIT && (
        <p className="muted small">
          Showing the newest {RENDER_LIMIT} matching lines; narrow the search to see older ones.
        </p>
      )}
      <ol
        ref={ref}
        className="log-list"
        aria-label="Relay log lines"
        tabIndex={0}
        data-testid="log-list"
        onScroll={(e) => {
          const el = e.currentTarget;
          if (follow && el.scrollHeight - el.scrollTop - el.clientHeight > 40) onScrolledAway();
        }}
      >
        {shown.length === 0 ? (
          <li className="log-empty muted">No lines match.</li>
        ) : (
          shown.map((line, i) => <Row key={`${line.at}-${i}-${line.source}`} line={line} />)
        )}
      </ol>
    </>
  );
}
