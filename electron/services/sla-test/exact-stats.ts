import type { SlaTestLatency } from '../../../shared/sla-test';
import type { ProbeSample } from '../probe/protocol';

/**
 * Exact figures over one tier's probes: a failed probe counts at its elapsed time or the probe
 * timeout, whichever is larger, the rule the live aggregator uses, so errors never flatter the tail.
 */
export function exactLatency(samples: readonly ProbeSample[], timeoutMs: number): SlaTestLatency | null {
  if (samples.length === 0) return null;
  const values = samples
    .map(([, latency, ok]) => (ok ? latency : Math.max(latency, timeoutMs)))
    .sort((a, b) => a - b);
  const rank = (p: number) =>
    values[Math.min(values.length - 1, Math.max(0, Math.ceil(p * values.length) - 1))]!;
  return {
    mean: values.reduce((sum, value) => sum + value, 0) / values.length,
    p50: rank(0.5),
    p99: rank(0.99),
    p999: rank(0.999),
    max: values[values.length - 1]!,
  };
}

export function ratio(first: number | undefined, last: number | undefined): number | null {
  return first !== undefined && last !== undefined && last > 0 ? first / last : null;
}
