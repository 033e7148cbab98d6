/**
 * A reader for the Prometheus text exposition format (version 0.0.4), enough for a relay's /metrics:
 * samples with labels, escapes in label values, optional timestamps. Bounded in bytes and samples.
 */

export const MAX_METRICS_BYTES = 4 * 1024 * 1024;
export const MAX_SAMPLES = 50_000;

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export class MetricsFormatError extends Error {
  override readonly name = 'MetricsFormatError';
  constructor(
    readonly line: number,
    problem: string,
  ) {
    super(`/metrics line ${line}: ${problem}`);
  }
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

/** Go's ParseFloat, which Prometheus uses, takes NaN and Inf in any case (prom-client writes "Nan"). */
function parseValue(text: string, line: number): number {
  const word = text.toLowerCase();
  if (word === '+inf' || word === 'inf') return Infinity;
  if (word === '-inf') return -Infinity;
  if (word === 'nan') return NaN;
  const v = Number(text);
  if (text === '' || Number.isNaN(v)) throw new MetricsFormatError(line, `"${text}" is not a number`);
  return v;
}

/** Reads `{a="x",b="y"}` from `text` at `at`; returns the labels and the index after `}`. */
function parseLabels(
  text: string,
  at: number,
  line: number,
): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  let i = at + 1;
  for (;;) {
    while (text[i] === ' ' || text[i] === ',') i++;
    if (text[i] === '}') return { labels, end: i + 1 };
    const name = LABEL_NAME.exec(text.slice(i))?.[0];
    if (!name || text[i + name.length] !== '=' || text[i + name.length + 1] !== '"')
      throw new MetricsFormatError(line, 'malformed label');
    i += name.length + 2;
    let value = '';
    for (;;) {
      const c = text[i];
      if (c === undefined) throw new MetricsFormatError(line, `unterminated value of label ${name}`);
      i++;
      if (c === '"') break;
      if (c === '\\') {
        const e = text[i++];
        value += e === 'n' ? '\n' : (e ?? '');
      } else value += c;
    }
    labels[name] = value;
  }
}

export function parsePromText(text: string): Sample[] {
  if (text.length > MAX_METRICS_BYTES) {
    throw new MetricsFormatError(0, `larger than ${MAX_METRICS_BYTES} bytes`);
  }
  const samples: Sample[] = [];
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n]!.trim();
    if (raw === '' || raw.startsWith('#')) continue;
    const name = NAME.exec(raw)?.[0];
    if (!name) throw new MetricsFormatError(n + 1, 'no metric name');
    let labels: Record<string, string> = {};
    let rest = raw.slice(name.length);
    if (rest.startsWith('{')) {
      const parsed = parseLabels(raw, name.length, n + 1);
      labels = parsed.labels;
      rest = raw.slice(parsed.end);
    }
    const [value = '', timestamp] = rest.trim().split(/\s+/);
    if (timestamp !== undefined && !/^-?\d+$/.test(timestamp)) {
      throw new MetricsFormatError(n + 1, `"${timestamp}" is not a timestamp`);
    }
    if (samples.length >= MAX_SAMPLES)
      throw new MetricsFormatError(n + 1, `more than ${MAX_SAMPLES} samples`);
    samples.push({ name, labels, value: parseValue(value, n + 1) });
  }
  return samples;
}
