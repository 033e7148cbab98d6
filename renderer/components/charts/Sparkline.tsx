import { memo, useMemo } from 'react';
import { useElementWidth } from './useElementWidth';

const HEIGHT = 44;

/** Area and line paths for values over evenly spaced slots; null values leave gaps. */
export function sparkPaths(
  values: readonly (number | null)[],
  width: number,
  height: number,
  top: number,
  bottom = 0,
): { line: string; area: string } {
  const n = values.length;
  if (n === 0 || width <= 0) return { line: '', area: '' };
  const dx = n > 1 ? width / (n - 1) : 0;
  let line = '';
  let area = '';
  let runStart = -1;
  let runEnd = -1;
  const y = (v: number) =>
    Math.round((height - ((v - bottom) / (top - bottom || 1)) * (height - 2)) * 10) / 10;
  const closeRun = () => {
    if (runStart >= 0)
      area += `L${(runEnd * dx).toFixed(1)},${height}L${(runStart * dx).toFixed(1)},${height}Z`;
    runStart = -1;
  };
  values.forEach((v, i) => {
    if (v == null) return closeRun();
    const x = (i * dx).toFixed(1);
    const cmd = runStart < 0 ? 'M' : 'L';
    line += `${cmd}${x},${y(v)}`;
    area += `${cmd}${x},${y(v)}`;
    if (runStart < 0) runStart = i;
    runEnd = i;
  });
  closeRun();
  return { line, area };
}

/** A small trend without axes, as plain SVG; the number beside it carries the value. */
export const Sparkline = memo(function Sparkline({
  values,
  color,
  label,
  minMax,
  baseline = 'zero',
}: {
  values: readonly (number | null)[];
  color: string;
  label: string;
  /** Lowest top of the scale, so a flat 0.3% CPU does not fill the box. */
  minMax: number;
  /** 'zero' for rates (CPU); 'range' zooms to the values, for levels where change matters (memory). */
  baseline?: 'zero' | 'range';
}) {
  const [ref, width] = useElementWidth<HTMLDivElement>();
  const paths = useMemo(() => {
    const present = values.filter((v): v is number => v != null);
    if (baseline === 'range' && present.length > 0) {
      const lo = Math.min(...present);
      const hi = Math.max(...present);
      const pad = Math.max((hi - lo) * 0.2, minMax / 2);
      return sparkPaths(values, width, HEIGHT, hi + pad, Math.max(0, lo - pad));
    }
    const top = Math.max(minMax, ...present) * 1.1;
    return sparkPaths(values, width, HEIGHT, top);
  }, [values, width, minMax, baseline]);
  return (
    <div ref={ref} className="sparkline" role="img" aria-label={label}>
      {width > 0 && (
        <svg width={width} height={HEIGHT} aria-hidden="true">
          <path d={paths.area} fill={color} fillOpacity={0.15} />
          <path d={paths.line} fill="none" stroke={color} strokeWidth={1.25} strokeLinejoin="round" />
        </svg>
      )}
    </div>
  );
});
