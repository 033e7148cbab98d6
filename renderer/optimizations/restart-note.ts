import type { RelayStatus } from '../../shared/relay-status';
import type { TierName } from '../../shared/tiers';
import { isActive } from '../store/relay-store';

/**
 * The tier the relay runs (its launch plan's), or the selected one when it does not run: the tier
 * whose overrides the Optimizations view opens on.
 */
export function runningTier(status: RelayStatus | null): TierName {
  if (status && isActive(status) && status.launch) return status.launch.tier;
  return status?.tier ?? 'free';
}

/**
 * Whether overrides saved at `savedAt` for `tier` still wait for a restart: the relay runs that tier
 * in a process started before the save. Any later start (a restart, a tier switch back, a crash
 * recovery) prepared a fresh plan from the saved settings, so the note would no longer be true.
 */
export function needsRestartToApply(
  saved: { readonly tier: TierName; readonly at: number } | null,
  status: RelayStatus | null,
): boolean {
  if (!saved || !status || !isActive(status)) return false;
  if (runningTier(status) !== saved.tier) return false;
  return status.startedAt !== null && status.startedAt < saved.at;
}
