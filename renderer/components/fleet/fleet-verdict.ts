import type { SlaVerdict } from '../../../shared/metrics';
import { verdictOf } from '../../../shared/verdict';

/** The verdict words the Fleet table keys its tones on: the shared model's (shared/verdict.ts). */
export type FleetVerdict = SlaVerdict;

/**
 * Fleet's counts through the one verdict model; a row without counts or without an objective is
 * "no data" (a relay that publishes no objective cannot be judged).
 */
export function fleetVerdict(
  counts: { n: number; misses: number } | null,
  objective: number | null,
): FleetVerdict {
  if (counts === null || objective === null) return 'no data';
  return verdictOf(counts, objective);
}
