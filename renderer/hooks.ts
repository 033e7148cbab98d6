import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';

/** The current time, refreshed every `intervalMs`, for values derived from a start time. */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** performance.now(), refreshed every `intervalMs`: for elapsed times measured on the monotonic clock. */
export function usePerformanceNow(intervalMs = 100): number {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(performance.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

const darkQuery = () => window.matchMedia('(prefers-color-scheme: dark)');

function subscribeScheme(onChange: () => void): () => void {
  const query = darkQuery();
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
}

/** Whether the OS asks for dark mode; follows changes while the panel is open. */
export function usePrefersDark(): boolean {
  return useSyncExternalStore(subscribeScheme, () => darkQuery().matches);
}

/** Colours for SVG charts, read from the CSS variables of the current scheme (styles/base.css). */
export interface ChartColors {
  p50: string;
  p99: string;
  max: string;
  target: string;
  grid: string;
  axis: string;
  cpu: string;
  memory: string;
  added: string;
  endToEnd: string;
}

const FALLBACK: ChartColors = {
  p50: '#2563eb',
  p99: '#d97706',
  max: '#dc2626',
  target: '#b91c1c',
  grid: '#e3e8ef',
  axis: '#5b6675',
  cpu: '#7c3aed',
  memory: '#0d9488',
  added: '#2563eb',
  endToEnd: '#94a3b8',
};

export function readChartColors(): ChartColors {
  if (typeof document === 'undefined') return FALLBACK;
  const style = getComputedStyle(document.documentElement);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    p50: read('--series-p50', FALLBACK.p50),
    p99: read('--series-p99', FALLBACK.p99),
    max: read('--series-max', FALLBACK.max),
    target: read('--series-target', FALLBACK.target),
    grid: read('--grid', FALLBACK.grid),
    axis: read('--muted', FALLBACK.axis),
    cpu: read('--series-cpu', FALLBACK.cpu),
    memory: read('--series-memory', FALLBACK.memory),
    added: read('--series-added', FALLBACK.added),
    endToEnd: read('--series-e2e', FALLBACK.endToEnd),
  };
}

/** Chart colours that switch with the OS colour scheme. */
export function useChartColors(): ChartColors {
  const dark = usePrefersDark();
  // Re-read when the scheme flips: the CSS variables have changed by then.
  return useMemo(() => (dark ? readChartColors() : readChartColors()), [dark]);
}
