import { escapeXml } from './markup';

/**
 * How figures read in the HTML report. Every shown figure also carries its unrounded value in a
 * data-value attribute (figure()), so a reader or a test can check the document against its data.
 */

export const DASH = '—';

/** Milliseconds to about four significant digits: 0.812, 4.991, 31.25, 1000.0. */
export function fmtMs(v: number | null): string {
  if (v === null) return DASH;
  if (v < 10) return `${v.toFixed(3)} ms`;
  if (v < 100) return `${v.toFixed(2)} ms`;
  return `${v.toFixed(1)} ms`;
}

/** A small rate (a miss-rate bound) with three significant digits, e.g. 0.0512%. */
export function fmtRate(v: number): string {
  return `${Number((v * 100).toPrecision(3))}%`;
}

export function fmtInt(v: number): string {
  return v.toLocaleString('en-US');
}

/** UTC, to the millisecond when it has one: "2026-11-25 03:59:36.123 UTC". */
export function fmtTime(t: number): string {
  const iso = new Date(t).toISOString();
  const ms = iso.slice(19, 23) === '.000' ? '' : iso.slice(19, 23);
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${ms} UTC`;
}

export function fmtBytes(n: number): string {
  const gib = n / 1024 ** 3;
  return gib >= 1 ? `${gib.toFixed(1)} GiB` : `${(n / 1024 ** 2).toFixed(0)} MiB`;
}

/** An element showing `text` and carrying the exact figure for machines: data-figure, data-value. */
export function figure(
  tag: string,
  name: string,
  value: number | string | null,
  text: string,
  cls = '',
): string {
  const v = value === null ? '' : String(value);
  const c = cls ? ` class="${cls}"` : '';
  return `<${tag}${c} data-figure="${escapeXml(name)}" data-value="${escapeXml(v)}">${escapeXml(text)}</${tag}>`;
}

/** A table; cells are already markup (escape text with esc()). `numeric` right-aligns those columns. */
export function table(
  head: readonly string[],
  rows: readonly string[][],
  numeric: readonly number[] = [],
  cls = '',
): string {
  const th = head
    .map((h, i) => `<th${numeric.includes(i) ? ' class="num"' : ''}>${escapeXml(h)}</th>`)
    .join('');
  const tr = rows
    .map(
      (r) =>
        `<tr>${r.map((c, i) => `<td${numeric.includes(i) ? ' class="num"' : ''}>${c}</td>`).join('')}</tr>`,
    )
    .join('');
  return `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${th}</tr></thead><tbody>${tr}</tbody></table>`;
}

export const esc = escapeXml;
