import { formatTargetMs } from '../../format';
import type { ChartColors } from '../../hooks';
import { xPx, yPx, type Plot } from '../../metrics/plot';
import { placeLabels, type LabelRequest, type TierSegment } from '../../metrics/tier-segments';

const crisp = (v: number) => Math.round(v) + 0.5;

/**
 * Each tier's stretch of the chart with its own SLA line, and a marker where the tier switched. A
 * target above the y axis is named at the top of its stretch ("SLA 1,000 ms ↑ off scale") instead of
 * being left out.
 */
export function TierSegments({
  plot,
  segments,
  colors,
}: {
  plot: Plot;
  segments: readonly TierSegment[];
  colors: ChartColors;
}) {
  const left = plot.left;
  const right = plot.left + plot.width;
  const clampX = (x: number) => Math.min(right, Math.max(left, x));
  const geometry = segments.map((s, i) => {
    const next = segments[i + 1];
    const x0 = clampX(xPx(plot, s.from));
    const x1 = clampX(next ? xPx(plot, next.from) : right);
    const onScale = s.targetMs >= plot.y0 && s.targetMs <= plot.y1;
    const y = onScale ? crisp(yPx(plot, s.targetMs)) : null;
    const slaText = `${s.tier} SLA ${formatTargetMs(s.targetMs)}${onScale ? '' : ' ↑ off scale'}`;
    return { s, x0, x1, onScale, y, slaText, switchText: `→ ${s.tier}` };
  });
  // Labels never overlap: the newest stretch's SLA label first, then the other SLA labels, then the
  // switch markers, newest first; what does not fit is left out (its line and tooltip stay).
  const requests: LabelRequest[] = geometry.flatMap((g, i): LabelRequest[] => {
    if (g.x1 < g.x0) return [];
    const sla: LabelRequest = {
      key: `sla-${i}`,
      text: g.slaText,
      x: g.x1 - 4,
      y: g.y === null ? plot.top - 8 : g.y - 6,
      anchor: 'end',
      priority: i === geometry.length - 1 ? 3000 : 1000 + i,
    };
    if (i === 0) return [sla];
    const end = right - g.x0 < 90;
    return [
      sla,
      {
        key: `switch-${i}`,
        text: g.switchText,
        x: end ? g.x0 - 4 : g.x0 + 4,
        y: plot.top + 10,
        anchor: end ? 'end' : 'start',
        priority: i,
      },
    ];
  });
  const { shown, hidden } = placeLabels(requests, left, right);
  return (
    <g className="chart-tiers" fontSize={11}>
      {hidden > 0 && (
        <text
          x={left + 4}
          y={plot.top + plot.height - 6}
          fill={colors.axis}
          data-testid="chart-labels-hidden"
        >
          {hidden} label{hidden === 1 ? '' : 's'} left out so none overlaps; hover a stretch for its tier
        </text>
      )}
      {geometry.map(({ s, x0, x1, onScale, y }, i) => {
        if (x1 < x0) return null;
        return (
          <g
            key={`${s.tier}-${s.from}`}
            data-tier-segment={s.tier}
            data-off-scale={onScale ? undefined : 'true'}
          >
            <title>{geometry[i]?.slaText}</title>
            {i > 0 && (
              <>
                <line
                  className="chart-tier-switch"
                  x1={crisp(x0)}
                  x2={crisp(x0)}
                  y1={plot.top}
                  y2={plot.top + plot.height}
                  stroke={colors.axis}
                  strokeDasharray="2 3"
                />
                {shown.has(`switch-${i}`) && (
                  <text
                    x={right - x0 < 90 ? x0 - 4 : x0 + 4}
                    y={plot.top + 10}
                    textAnchor={right - x0 < 90 ? 'end' : 'start'}
                    fill={colors.axis}
                  >
                    → {s.tier}
                  </text>
                )}
              </>
            )}
            {y !== null ? (
              <>
                <line
                  className="chart-target"
                  x1={x0}
                  x2={x1}
                  y1={y}
                  y2={y}
                  stroke={colors.target}
                  strokeDasharray="6 4"
                />
                {shown.has(`sla-${i}`) && (
                  <text x={x1 - 4} y={y - 6} textAnchor="end" fill={colors.target}>
                    {s.tier} SLA {formatTargetMs(s.targetMs)}
                  </text>
                )}
              </>
            ) : (
              shown.has(`sla-${i}`) && (
                <text x={x1 - 4} y={plot.top - 8} textAnchor="end" fill={colors.target}>
                  {s.tier} SLA {formatTargetMs(s.targetMs)} ↑ off scale
                </text>
              )
            )}
          </g>
        );
      })}
    </g>
  );
}
