/**
 * The little YAML the Prometheus rule files need (maps, lists, strings, numbers), written so a reader
 * can follow it: multi-line expressions as literal blocks, other strings single-quoted unless plain
 * is safe. Not a general YAML writer: anything else is refused.
 */

export type YamlValue =
  string | number | boolean | readonly YamlValue[] | { readonly [key: string]: YamlValue | undefined };

const PLAIN = /^[A-Za-z0-9_(][^\n]*$/;

function scalar(text: string, indent: string): string {
  if (text.includes('\n')) {
    return `|\n${text
      .split('\n')
      .map((line) => (line === '' ? '' : `${indent}  ${line}`))
      .join('\n')}`;
  }
  const plainSafe =
    PLAIN.test(text) &&
    !/: |\s#|^(true|false|null|yes|no|~)$|^[\d.]+$|[\s:]$/i.test(text) &&
    !text.includes("'");
  return plainSafe ? text : `'${text.replaceAll("'", "''")}'`;
}

function value(v: YamlValue, indent: string): string {
  if (typeof v === 'string') return ` ${scalar(v, indent)}`;
  if (typeof v === 'number' || typeof v === 'boolean') return ` ${String(v)}`;
  return `\n${block(v, `${indent}  `)}`;
}

function block(v: YamlValue, indent: string): string {
  if (Array.isArray(v)) {
    return v
      .map((item: YamlValue) => {
        const body =
          typeof item === 'object' ? block(item, `${indent}  `).trimStart() : scalar(String(item), indent);
        return `${indent}- ${body}`;
      })
      .join('\n');
  }
  if (typeof v === 'object') {
    return Object.entries(v as Record<string, YamlValue | undefined>)
      .filter((entry): entry is [string, YamlValue] => entry[1] !== undefined)
      .map(([key, item]) => `${indent}${key}:${value(item, indent)}`)
      .join('\n');
  }
  throw new Error(`yaml: a top-level ${typeof v} is not written here`);
}

/** `comment` lines become `# ` lines above the document. */
export function toYaml(doc: YamlValue, comment: readonly string[] = []): string {
  const head = comment.map((line) => (line === '' ? '#' : `# ${line}`)).join('\n');
  return `${head === '' ? '' : `${head}\n`}${block(doc, '')}\n`;
}
