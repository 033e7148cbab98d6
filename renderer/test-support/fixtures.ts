import type { RelayStatus } from '../../shared/relay-status';
import type { LatencySummary, MetricsTick, SlaSummary } from '../metrics/types';

export const status = (patch: Partial<RelayStatus> = {}): RelayStatus => ({
  state: 'running',
  pid: 4242,
  startedAt: 1_700_000_000_000,
  restarts: 0,
  tier: 'free',
  lastExit: null,
  ports: { api: 8080, health: 8081 },
  message: null,
  nextRestartAt: null,
  launch: null,
  upstream: null,
  stderrTail: [],
  ...patch,
});

export const latency = (p50: number | null, n = 10): LatencySummary => ({
  n,
  misses: 0,
  p50,
  p90: p50,
  p99: p50 === null ? null : p50 * 2,
  p999: p50 === null ? null : p50 * 3,
  max: p50 === null ? null : p50 * 4,
  mean: p50,
});

const sla: SlaSummary = {
  targetMs: 5,
  objective: 0.999,
  compliance: 1,
  n: 10,
  missUpperBound95: 0.25,
  verdict: 'insufficient samples',
  requiredN: 2995,
  errorBudget: { allowed: 0, used: 0, remaining: 0 },
};

export const tick = (secondAt: number | null, p50: number | null = 1): MetricsTick => {
  const window = { latency: latency(p50), sla };
  return {
    at: (secondAt ?? 0) + 900,
    tier: 'turbo',
    second: latency(p50, p50 === null ? 0 : 10),
    secondAt,
    windows: { '1m': window, '15m': window, '1h': window, '24h': window, session: window },
    resources: {
      relayCpuPercent: 3,
      relayRssMb: 64,
      relayEventLoopDelayMs: 0.4,
      probeCpuPercent: 1,
      probeRssMb: 40,
    },
  };
};
