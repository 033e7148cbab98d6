import type { TierSwitch } from '../../../shared/api';
import type { RelayStatus } from '../../../shared/relay-status';
import type { TimelineEntry } from '../../../shared/logs';
import type { TierName } from '../../../shared/tiers';
import type { SettingsStore } from '../settings/settings-store';

export interface TierSwitchDeps {
  readonly settings: SettingsStore;
  readonly isActive: () => boolean;
  readonly restart: () => Promise<RelayStatus>;
  readonly status: () => RelayStatus;
  /** Tells listeners the status changed (the tier is part of it). */
  readonly announce: () => void;
  readonly timeline: (kind: TimelineEntry['kind'], summary: string, details: Record<string, unknown>) => void;
}

/**
 * One-click tier switch. Raising priority back after a lower tier needs privilege, so a running
 * relay is restarted under the new plan rather than re-niced in place. Measured click to ready.
 */
export async function switchTier(deps: TierSwitchDeps, tier: TierName): Promise<TierSwitch> {
  const from = deps.settings.get().tier;
  const began = performance.now();
  deps.settings.update({ tier });
  if (!deps.isActive()) {
    deps.announce();
    deps.timeline('tier-switched', `tier ${from} → ${tier} (applies at next start)`, { from, to: tier });
    return { from, to: tier, durationMs: null, status: deps.status() };
  }
  const status = await deps.restart();
  const durationMs = performance.now() - began;
  deps.timeline('tier-switched', `tier ${from} → ${tier}, ready in ${Math.round(durationMs)} ms`, {
    from,
    to: tier,
    durationMs,
    launch: status.launch,
  });
  return { from, to: tier, durationMs, status };
}
