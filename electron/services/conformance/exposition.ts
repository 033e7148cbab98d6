/**
 * A small reader of the Prometheus text format: each family's declared TYPE and the label names its
 * samples carry. Enough to check families against the contract; promtool does the full lint.
 */

export interface ExposedFamily {
  type: string | null;
  /** Label names seen on the family's samples (histogram `le` left out). */
  labels: Set<string>;
  samples: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+\S+/;
const LABEL_NAME = /([a-zA-Z_][a-zA-Z0-9_]*)="(?:[^"\\]|\\.)*"/g;
const SUFFIXES = ['_bucket', '_sum', '_count', '_total', '_created', '_info'];

export function readExposition(text: string): Map<string, ExposedFamily> {
  const families = new Map<string, ExposedFamily>();
  const get = (name: string): ExposedFamily => {
    let family = families.get(name);
    if (!family) families.set(name, (family = { type: null, labels: new Set(), samples: 0 }));
    return family;
  };
  for (const line of text.split('\n')) {
    const typed = /^# TYPE (\S+) (\S+)/.exec(line);
    if (typed) {
      get(typed[1]!).type = typed[2]!;
      continue;
    }
    if (line.startsWith('#') || line.trim() === '') continue;
    const sample = SAMPLE.exec(line);
    if (!sample) continue;
    const name = sample[1]!;
    // A histogram's samples are named <family>_bucket etc.; a counter's may be the family name itself.
    const owner = families.has(name)
      ? name
      : (SUFFIXES.map((s) => (name.endsWith(s) ? name.slice(0, -s.length) : null)).find(
          (base) => base !== null && families.has(base),
        ) ?? name);
    const family = get(owner);
    family.samples += 1;
    for (const match of (sample[3] ?? '').matchAll(LABEL_NAME)) {
      if (match[1] !== 'le' && match[1] !== 'quantile') family.labels.add(match[1]!);
    }
  }
  return families;
}
