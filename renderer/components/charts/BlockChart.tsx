import { useId, useMemo } from 'react';
import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
  type TooltipContentProps,
} from 'recharts';
import { exactSummary } from '../../../shared/percentile';
import { formatAxisMs, formatClock, formatHeight, formatMs, shortHash } from '../../format';
import { useChartColors } from '../../hooks';
import { isMissing, withGaps, type BlockSlot } from '../../metrics/block-gaps';
import { useMetricsStore } from '../../stores';
import type { ReorgSeen } from '../../store/metrics-store';
import { reorgText, visibleReorgs } from '../../metrics/reorg-marks';
import { blockStreamState } from '../../metrics/block-stream';

/** Blocks drawn: enough to see a trend, few enough that each bar stays readable. */
const SHOWN = 60;

function BlockTooltip({ active, payload }: TooltipContentProps) {
  const block = payload?.[0]?.payload as BlockSlot | undefined;
  if (!active || !block) return null;
  if (isMissing(block))
    return (
      <div className="chart-tooltip">
        <div className="chart-tooltip-time">Block {formatHeight(block.height)}</div>
        <div className="muted">not seen by the probe (relay restarting or its stream down)</div>
      </div>
    );
  return (
    <div className="chart-tooltip">
      <div className="chart-tooltip-time">
        Block {formatHeight(block.height)} · {formatClock(block.receivedAt)}
      </div>
      <div className="mono muted">{shortHash(block.hash)}</div>
      <dl>
        <dt className="swatch-added">relay added</dt>
        <dd>{formatMs(block.addedMs)}</dd>
        <dt className="swatch-e2e">end to end</dt>
        <dd>{formatMs(block.endToEndMs)}</dd>
      </dl>
    </div>
  );
}

/** The marker's label above the plot, named for screen readers and hover. */
function ReorgLabel({
  viewBox,
  reorg,
  row,
  color,
}: {
  viewBox?: { x?: number; y?: number };
  reorg: ReorgSeen;
  row: 0 | 1;
  color: string;
}) {
  const x = viewBox?.x ?? 0;
  const y = (viewBox?.y ?? 0) - 4 - row * 12;
  const text = reorgText(reorg);
  return (
    <g role="img" aria-label={text} data-testid="reorg-marker">
      <title>{text}</title>
      <text x={x} y={y} textAnchor="middle" fontSize={10} fontWeight={600} fill={color}>
        reorg −{reorg.depth}
      </text>
    </g>
  );
}

/** Per block: from the announcement reaching the relay to delivery on its stream (and end to end). */
export function BlockChart() {
  const colors = useChartColors();
  const all = useMetricsStore((s) => s.blocks);
  const blocks = useMemo(() => all.slice(-SHOWN), [all]);
  const reorgsSeen = useMetricsStore((s) => s.reorgs);
  const probe = useMetricsStore((s) => s.latest?.probe);
  // Blocks come from the probe's subscription to the relay's stream; while it is not on, a block the
  // relay forwards is not seen here, and the user should know why the chart is quiet.
  const streamState = blockStreamState(probe);
  // One slot per height: heights no block arrived for stay visible as empty slots on the x axis.
  const { slots, missing } = useMemo(() => withGaps(blocks), [blocks]);
  const reorgs = useMemo(() => visibleReorgs(reorgsSeen, slots), [reorgsSeen, slots]);
  const descriptionId = useId();
  const last = blocks[blocks.length - 1];
  // The report's block p50 is this same nearest-rank figure, so the two agree.
  const medianAdded = exactSummary(blocks.map((b) => b.addedMs)).percentile(0.5);
  const hasEndToEnd = blocks.some((b) => b.endToEndMs !== null);
  const description = last
    ? `Per-block relay latency for the last ${blocks.length} blocks. Median added ${formatMs(medianAdded)}; ` +
      `latest block ${formatHeight(last.height)} added ${formatMs(last.addedMs)}` +
      (last.endToEndMs === null ? '.' : `, end to end ${formatMs(last.endToEndMs)}.`)
    : 'Per-block relay latency: no blocks relayed yet.';

  return (
    <article className="card chart-card" aria-labelledby="blocks-title">
      <header className="card-header">
        <h2 id="blocks-title">Block relay latency</h2>
        <ul className="legend legend-inline" aria-label="Block summary">
          <li className="swatch-added">
            added, median <strong>{formatMs(medianAdded)}</strong>
          </li>
          {hasEndToEnd && <li className="swatch-e2e">end to end</li>}
          {missing > 0 && (
            <li data-testid="blocks-missing">
              {formatHeight(missing)} height{missing === 1 ? '' : 's'} not seen
            </li>
          )}
          {reorgsSeen.length > 0 && (
            <li
              className="swatch-reorg"
              title={reorgsSeen.map(reorgText).join('\n')}
              data-testid="blocks-reorgs"
            >
              {reorgsSeen.length} reorg{reorgsSeen.length === 1 ? '' : 's'}
            </li>
          )}
          {last && (
            <li>
              last <strong>#{formatHeight(last.height)}</strong>
            </li>
          )}
          {streamState === 'connecting' && (
            <li data-testid="block-stream-connecting" title="blocks the relay forwards now are not seen">
              connecting to the relay's block stream…
            </li>
          )}
        </ul>
      </header>
      <figure
        className="chart"
        aria-label="Block relay latency chart"
        aria-describedby={descriptionId}
        data-block-stream={streamState}
      >
        <p id={descriptionId} className="sr-only">
          {description}
        </p>
        {blocks.length === 0 ? (
          <p className="chart-empty static">
            No blocks relayed yet; each block the relay forwards appears here.
          </p>
        ) : (
          <ResponsiveContainer width="100%" height={180}>
            <ComposedChart
              data={slots}
              margin={{ top: reorgs.length > 0 ? 30 : 8, right: 16, bottom: 0, left: 4 }}
            >
              <CartesianGrid stroke={colors.grid} vertical={false} />
              <XAxis
                dataKey="height"
                tickFormatter={(h: number) => formatHeight(h)}
                stroke={colors.axis}
                tick={{ fontSize: 11 }}
                tickLine={false}
                minTickGap={24}
                height={34}
                label={{ value: 'block height', position: 'insideBottomRight', offset: 0, fontSize: 11 }}
              />
              <YAxis
                tickFormatter={(ms: number) => `${formatAxisMs(ms)} ms`}
                stroke={colors.axis}
                tick={{ fontSize: 11 }}
                tickLine={false}
                axisLine={false}
                width={64}
              />
              <Tooltip
                content={BlockTooltip}
                isAnimationActive={false}
                cursor={{ fill: colors.grid, opacity: 0.5 }}
              />
              {reorgs.map(({ reorg, row }) => (
                <ReferenceLine
                  key={`reorg-${reorg.at}-${reorg.height}`}
                  x={reorg.height}
                  stroke={colors.p99}
                  strokeWidth={1.5}
                  strokeDasharray="4 3"
                  label={<ReorgLabel reorg={reorg} row={row} color={colors.p99} />}
                />
              ))}
              <Bar
                dataKey="addedMs"
                name="relay added"
                fill={colors.added}
                isAnimationActive={false}
                maxBarSize={14}
              />
              {hasEndToEnd && (
                <Line
                  dataKey="endToEndMs"
                  name="end to end"
                  stroke={colors.endToEnd}
                  strokeWidth={1.5}
                  dot={{ r: 2 }}
                  isAnimationActive={false}
                  connectNulls={false}
                />
              )}
            </ComposedChart>
          </ResponsiveContainer>
        )}
      </figure>
    </article>
  );
}
