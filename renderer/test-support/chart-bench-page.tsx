// The latency chart bench page (bench/chart-bench.ts builds it from bench/chart-bench/index.html).
// Not imported by the app: Vite builds the shipped renderer from renderer/index.html only.
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { LatencyChart } from '../components/charts/LatencyChart';
import { readChartColors } from '../hooks';
import type { LatencyPoint } from '../metrics/series';
import type { ChartBenchResult } from './chart-bench-result';
import '../styles.css';
import '../styles/charts.css';

declare global {
  interface Window {
    runChartBench?: (updates: number) => Promise<ChartBenchResult>;
  }
}

const HOUR = 3600;
const T_END = Math.floor(Date.now() / 1000) * 1000;

/** A plausible hour of per-second latency: a drifting baseline with occasional spikes. */
function point(i: number, t: number): LatencyPoint {
  const base = 0.8 + 0.2 * Math.sin(i / 90) + ((i * 7919) % 13) / 100;
  const spike = i % 173 === 0 ? 6 : 0;
  return { t, p50: base, p99: base * 2 + spike, max: base * 2.6 + spike * 1.4 };
}

const COLORS = readChartColors();

const nextFrame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));

/** Resolves after the browser has run style, layout and paint for the current frame. */
function afterPaint(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

function Chart({ points }: { points: LatencyPoint[] }) {
  const last = points[points.length - 1]?.t ?? T_END;
  return (
    <LatencyChart
      points={points}
      from={last - HOUR * 1000}
      to={last}
      targetMs={5}
      logScale={false}
      colors={COLORS}
      rangeLabel="last hour"
      height={260}
    />
  );
}

window.runChartBench = async (updates: number) => {
  const element = document.getElementById('root');
  if (!element) throw new Error('no #root');
  const root = createRoot(element);
  let points = Array.from({ length: HOUR }, (_, i) => point(i, T_END - (HOUR - 1 - i) * 1000));

  const initialStart = performance.now();
  flushSync(() => root.render(<Chart points={points} />));
  await afterPaint();
  const initialRenderMs = performance.now() - initialStart;
  // ResponsiveContainer measures its box asynchronously: let it settle before timing updates.
  for (let i = 0; i < 10; i++) await nextFrame();
  if (!element.querySelector('.series-p50')?.getAttribute('d')) throw new Error('the chart drew no lines');

  const frameMs: number[] = [];
  const commitMs: number[] = [];
  for (let i = 0; i < updates; i++) {
    await nextFrame();
    // Now at the start of a frame, right after its animation callbacks: one new second arrives.
    performance.mark(`update-${i}-start`);
    const start = performance.now();
    const t = (points[points.length - 1] as LatencyPoint).t + 1000;
    points = [...points.slice(1), point(HOUR + i, t)];
    flushSync(() => root.render(<Chart points={points} />));
    performance.mark(`update-${i}-commit`);
    commitMs.push(performance.now() - start);
    await afterPaint();
    performance.mark(`update-${i}-painted`);
    frameMs.push(performance.measure(`update-${i}`, `update-${i}-start`, `update-${i}-painted`).duration);
  }
  const path = element.querySelector('.series-p50')?.getAttribute('d') ?? '';
  const renderedPathPoints = (path.match(/[ML]/g) ?? []).length;
  root.unmount();
  return {
    points: HOUR,
    updates,
    frameMs,
    commitMs,
    initialRenderMs,
    renderedPathPoints,
    userAgent: navigator.userAgent,
  };
};
