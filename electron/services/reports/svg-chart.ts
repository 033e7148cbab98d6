import type { HistoryPoint } from '../../../shared/metrics';
import type { ReportBlock } from '../../../shared/report';
import { escapeXml } from './markup';
import { formatAxisMs } from '../../../shared/format';
import { logScale, timeLabel, utcTimeTicks, type LogScale } from './svg-scale';

/**
 * The report's charts, drawn here as SVG text: the HTML carries no script and loads nothing, so a
 * chart is static markup that prints exactly as it shows. Colours are presentation attributes,
 * not style attributes, which the report's CSP (no 'unsafe-inline') would block.
 */

const W = 760;
const H = 280;
const PAD = { left: 56, right: 16, top: 14, bottom: 54 };
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" font-size="11"';
export const COLORS = {
  p50: '#1d4ed8',
  p99: '#c2410c',
  max: '#9ca3af',
  target: '#b91c1c',
  miss: '#dc2626',
  e2e: '#7c3aed',
};

interface Frame {
  readonly from: number;
  readonly to: number;
  x(t: number): number;
}

function frame(from: number, to: number): Frame {
  const span = Math.max(1, to - from);
  return { from, to, x: (t) => PAD.left + ((t - from) / span) * (W - PAD.left - PAD.right) };
}

const f1 = (n: number) => n.toFixed(1);

function axes(f: Frame, y: LogScale, yTitle: string): string {
  const bottom = H - PAD.bottom;
  const parts: string[] = [];
  for (const v of y.ticks) {
    const py = f1(y.y(v));
    parts.push(
      `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${py}" y2="${py}" stroke="#e5e7eb" stroke-width="1"/>`,
      `<text x="${PAD.left - 6}" y="${py}" text-anchor="end" dominant-baseline="middle" fill="#4b5563">${formatAxisMs(v)}</text>`,
    );
  }
  const { ticks, step } = utcTimeTicks(f.from, f.to);
  for (const t of ticks) {
    const px = f1(f.x(t));
    parts.push(
      `<line x1="${px}" x2="${px}" y1="${PAD.top}" y2="${bottom}" stroke="#f3f4f6" stroke-width="1"/>`,
      `<text x="${px}" y="${bottom + 16}" text-anchor="middle" fill="#4b5563">${timeLabel(t, step, f.to - f.from)}</text>`,
    );
  }
  parts.push(
    `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${bottom}" y2="${bottom}" stroke="#6b7280" stroke-width="1"/>`,
    `<line x1="${PAD.left}" x2="${PAD.left}" y1="${PAD.top}" y2="${bottom}" stroke="#6b7280" stroke-width="1"/>`,
    `<text x="14" y="${(PAD.top + bottom) / 2}" transform="rotate(-90 14 ${(PAD.top + bottom) / 2})" text-anchor="middle" fill="#374151">${escapeXml(yTitle)}</text>`,
    `<text x="${(PAD.left + W - PAD.right) / 2}" y="${bottom + 32}" text-anchor="middle" fill="#374151">time (UTC)</text>`,
  );
  return parts.join('');
}

function legend(items: readonly { label: string; swatch: string }[]): string {
  let x = PAD.left;
  const y = H - 10;
  return items
    .map(({ label, swatch }) => {
      const out = `<g transform="translate(${x} ${y})">${swatch}<text x="22" y="0" dominant-baseline="middle" fill="#111827">${escapeXml(label)}</text></g>`;
      x += 30 + label.length * 6.2;
      return out;
    })
    .join('');
}

const lineSwatch = (color: string, dash = '') =>
  `<line x1="0" x2="16" y1="0" y2="0" stroke="${color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`;

/** Polylines that break across empty buckets, so a gap in measurement never reads as a trend. */
function series(
  points: readonly HistoryPoint[],
  bucketMs: number,
  f: Frame,
  y: LogScale,
  pick: (p: HistoryPoint) => number,
): string {
  const runs: string[][] = [];
  let prev: number | null = null;
  for (const p of points) {
    if (prev === null || p.t - prev > bucketMs) runs.push([]);
    runs[runs.length - 1]?.push(`${f1(f.x(p.t + bucketMs / 2))},${f1(y.y(pick(p)))}`);
    prev = p.t;
  }
  return runs.map((r) => (r.length === 1 ? `M${r[0]}h0.1` : `M${r.join('L')}`)).join('');
}

export interface LatencyChartInput {
  readonly from: number;
  readonly to: number;
  readonly bucketMs: number;
  readonly points: readonly HistoryPoint[];
  readonly targetMs: number;
}

/** p50, p99 and max per bucket on a log axis, the SLA target as a dashed line, misses as red ticks. */
export function latencyChart(c: LatencyChartInput): string {
  const f = frame(c.from, c.to);
  const lo = Math.min(c.targetMs, ...c.points.map((p) => p.p50));
  const hi = Math.max(c.targetMs, ...c.points.map((p) => p.max));
  const y = logScale(lo, hi, H - PAD.bottom, PAD.top);
  const path = (pick: (p: HistoryPoint) => number, color: string, width: number, name: string) =>
    `<path data-series="${name}" d="${series(c.points, c.bucketMs, f, y, pick)}" fill="none" stroke="${color}" stroke-width="${width}" stroke-linejoin="round"/>`;
  const ty = f1(y.y(c.targetMs));
  const misses = c.points
    .filter((p) => p.misses > 0)
    .map((p) => {
      const x0 = f.x(p.t);
      const w = Math.max(1, f.x(p.t + c.bucketMs) - x0);
      return `<rect x="${f1(x0)}" y="${H - PAD.bottom - 4}" width="${f1(w)}" height="4" fill="${COLORS.miss}"/>`;
    })
    .join('');
  const body = c.points.length
    ? path((p) => p.max, COLORS.max, 1, 'max') +
      path((p) => p.p99, COLORS.p99, 1.6, 'p99') +
      path((p) => p.p50, COLORS.p50, 1.6, 'p50')
    : `<text x="${W / 2}" y="${H / 2}" text-anchor="middle" fill="#6b7280">No samples of this tier in the period</text>`;
  return svg(
    'latency',
    `Latency over time: p50, p99 and max per ${durationLabel(c.bucketMs)} bucket, SLA target ${c.targetMs} ms`,
    axes(f, y, 'latency (ms, log)') +
      `<line data-series="target" x1="${PAD.left}" x2="${W - PAD.right}" y1="${ty}" y2="${ty}" stroke="${COLORS.target}" stroke-width="1.4" stroke-dasharray="6 4"/>` +
      `<text x="${W - PAD.right - 4}" y="${f1(Number(ty) - 4)}" text-anchor="end" fill="${COLORS.target}">SLA target ${c.targetMs} ms</text>` +
      body +
      misses +
      legend([
        { label: 'p50', swatch: lineSwatch(COLORS.p50) },
        { label: 'p99', swatch: lineSwatch(COLORS.p99) },
        { label: 'max', swatch: lineSwatch(COLORS.max) },
        { label: 'SLA target', swatch: lineSwatch(COLORS.target, '6 4') },
        {
          label: 'bucket with misses',
          swatch: `<rect x="0" y="-2" width="16" height="4" fill="${COLORS.miss}"/>`,
        },
      ]),
    c.points.length,
  );
}

/** Each block: what the relay added (circle) and end to end from the demo peer (square), log axis. */
export function blockChart(from: number, to: number, blocks: readonly ReportBlock[]): string {
  const f = frame(from, to);
  const values = blocks.flatMap((b) => (b.endToEndMs === null ? [b.addedMs] : [b.addedMs, b.endToEndMs]));
  const y = logScale(Math.min(1, ...values), Math.max(10, ...values), H - PAD.bottom, PAD.top);
  const marks = blocks
    .map((b) => {
      const x = f1(f.x(b.receivedAt));
      const added = `<circle cx="${x}" cy="${f1(y.y(b.addedMs))}" r="3" fill="${COLORS.p50}"/>`;
      const e2e =
        b.endToEndMs === null
          ? ''
          : `<rect x="${f1(Number(x) - 3)}" y="${f1(y.y(b.endToEndMs) - 3)}" width="6" height="6" fill="none" stroke="${COLORS.e2e}" stroke-width="1.4"/>`;
      return added + e2e;
    })
    .join('');
  const body = blocks.length
    ? marks
    : `<text x="${W / 2}" y="${H / 2}" text-anchor="middle" fill="#6b7280">No blocks relayed under this tier in the period</text>`;
  return svg(
    'blocks',
    'Block relay latency per block: added by the relay and end to end',
    axes(f, y, 'latency (ms, log)') +
      body +
      legend([
        { label: 'added by the relay', swatch: `<circle cx="8" cy="0" r="3" fill="${COLORS.p50}"/>` },
        {
          label: 'end to end (demo peer send to probe)',
          swatch: `<rect x="5" y="-3" width="6" height="6" fill="none" stroke="${COLORS.e2e}" stroke-width="1.4"/>`,
        },
      ]),
    blocks.length,
  );
}

function svg(name: string, title: string, body: string, count: number): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeXml(title)}" data-chart="${name}" data-count="${count}" ${FONT}>` +
    `<title>${escapeXml(title)}</title>${body}</svg>`
  );
}

export function durationLabel(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000} d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}
