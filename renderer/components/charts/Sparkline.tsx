import { memo } from 'react';
import { Area, AreaChart, ResponsiveContainer, YAxis } from 'recharts';

/** A small trend line without axes; the number beside it carries the value. */
export const Sparkline = memo(function Sparkline({
  data,
  dataKey,
  color,
  label,
  minMax,
}: {
  data: readonly object[];
  dataKey: string;
  color: string;
  label: string;
  /** Lowest top of the y axis, so a flat 0.3% CPU does not fill the box. */
  minMax: number;
}) {
  return (
    <div className="sparkline" role="img" aria-label={label}>
      <ResponsiveContainer width="100%" height={44}>
        <AreaChart data={data as object[]} margin={{ top: 2, right: 0, bottom: 0, left: 0 }}>
          <YAxis hide domain={[0, (max: number) => Math.max(max, minMax)]} />
          <Area
            dataKey={dataKey}
            type="linear"
            stroke={color}
            fill={color}
            fillOpacity={0.15}
            strokeWidth={1.25}
            isAnimationActive={false}
            connectNulls={false}
            dot={false}
            activeDot={false}
          />
        </AreaChart>
      </ResponsiveContainer>
    </div>
  );
});
