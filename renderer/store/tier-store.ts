import { create } from 'zustand';
import type { TierSwitch } from '../../shared/api';
import type { TierName } from '../../shared/tiers';
import type { ApiClient } from '../api/client';
import { errorText } from '../lib/error-text';

export interface TierStoreState {
  /** The tier being switched to, while tier.set is in flight. */
  switching: TierName | null;
  /** performance.now() at the click, for the elapsed time shown while it runs. */
  startedAt: number | null;
  /** The last completed switch, with its measured click-to-ready time. */
  last: TierSwitch | null;
  error: { tier: TierName; message: string } | null;
  switchTo(tier: TierName): Promise<TierSwitch | null>;
  dismissError(): void;
}

/** One-click tier switching: a running relay restarts under the new plan; the server times it. */
export function createTierStore(api: ApiClient, onStatus: (status: TierSwitch['status']) => void) {
  return create<TierStoreState>((set, get) => ({
    switching: null,
    startedAt: null,
    last: null,
    error: null,
    async switchTo(tier) {
      if (get().switching) return null;
      set({ switching: tier, startedAt: performance.now(), error: null });
      try {
        const result = await api.call('tier.set', { tier });
        onStatus(result.status);
        set({ last: result });
        return result;
      } catch (error) {
        set({ error: { tier, message: errorText(error) } });
        return null;
      } finally {
        set({ switching: null, startedAt: null });
      }
    },
    dismissError: () => set({ error: null }),
  }));
}
