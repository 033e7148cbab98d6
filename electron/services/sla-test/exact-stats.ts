import { nearestRank } from '../../../shared/figures';
import type { LatenessSummary } from '../../../shared/metrics';
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
  return {
    mean: values.reduce((sum, value) => sum + value, 0) / values.length,
    p50: nearestRank(values, 0.5)!,
    p99: nearestRank(values, 0.99)!,
    p999: nearestRank(values, 0.999)!,
    max: values[values.length - 1]!,
  };
}

/** The probe's own lateness over the run, early sends as 0; samples without lateness are skipped. */
export function exactLateness(samples: readonly ProbeSample[]): LatenessSummary {
  const values = samples
    .flatMap((s) => (s[3] === undefined ? [] : [Math.max(0, s[3])]))
    .sort((a, b) => a - b);
  return {
    n: values.length,
    p50: nearestRank(values, 0.5),
    p99: nearestRank(values, 0.99),
    max: values.at(-1) ?? null,
  };
}
