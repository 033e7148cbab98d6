import { slaVerdict } from '../../../shared/sla';

/** The verdict words the Fleet table shows (issue 22's model: pass / below objective / insufficient samples / no data). */
export type FleetVerdict = 'pass' | 'below objective' | 'insufficient samples' | 'no data';

/**
 * The one place Fleet turns counts into a verdict, so it can be pointed at the shared verdict model
 * in one line. An observed compliance below the objective is "below objective" at any n.
 */
export function fleetVerdict(
  counts: { n: number; misses: number } | null,
  objective: number | null,
): FleetVerdict {
  if (counts === null || counts.n === 0 || objective === null) return 'no data';
  if ((counts.n - counts.misses) / counts.n < objective) return 'below objective';
  return slaVerdict(counts, objective) === 'pass' ? 'pass' : 'insufficient samples';
}
