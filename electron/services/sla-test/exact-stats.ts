import { exactSummary } from '../../../shared/percentile';
import type { LatenessSummary } from '../../../shared/metrics';
import type { SlaTestLatency } from '../../../shared/sla-test';
import type { ProbeSample } from '../probe/protocol';

/**
 * Exact figures over one tier's probes: a failed probe counts at its elapsed time or the probe
 * timeout, whichever is larger, the rule the live aggregator uses, so errors never flatter the tail.
 */
export function probeLatency(samples: readonly ProbeSample[], timeoutMs: number): SlaTestLatency | null {
  if (samples.length === 0) return null;
  const s = exactSummary(samples.map(([, latency, ok]) => (ok ? latency : Math.max(latency, timeoutMs))));
  return {
    mean: s.mean!,
    p50: s.percentile(0.5)!,
    p99: s.percentile(0.99)!,
    p999: s.percentile(0.999)!,
    max: s.max!,
  };
}

/** The probe's own lateness over the run, early sends as 0; samples without lateness are skipped. */
export function exactLateness(samples: readonly ProbeSample[]): LatenessSummary {
  const s = exactSummary(
    samples.flatMap((sample) => (sample[3] === undefined ? [] : [Math.max(0, sample[3])])),
  );
  return { n: s.n, p50: s.percentile(0.5), p99: s.percentile(0.99), max: s.max };
}
