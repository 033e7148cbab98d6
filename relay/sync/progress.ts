/** The sync block of /health, as agreed in the team interfaces. */
export type SyncState = 'connecting' | 'syncing' | 'synced' | 'stalled' | 'waiting-upstream';

export interface SyncInfo {
  state: SyncState;
  height: number;
  targetHeight: number;
  progress: number;
  headersPerSecond: number;
  etaSeconds: number | null;
  /** waiting-upstream: the height the upstream node has reached in its own initial sync. */
  upstreamHeight?: number;
}

const WINDOW_MS = 5_000;
const MAX_SAMPLES = 64;

/** Headers per second over the last few seconds, from (time, height) samples. Bounded. */
export class SyncRate {
  private readonly samples: Array<{ at: number; height: number }> = [];

  note(at: number, height: number): void {
    this.samples.push({ at, height });
    while (this.samples.length > MAX_SAMPLES || (this.samples[0] && at - this.samples[0].at > WINDOW_MS)) {
      this.samples.shift();
    }
  }

  perSecond(now: number): number {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last === first || now - last.at > WINDOW_MS) return 0;
    return ((last.height - first.height) * 1000) / Math.max(1, last.at - first.at);
  }
}

export function syncInfo(state: SyncState, height: number, target: number, rate: number): SyncInfo {
  const targetHeight = Math.max(height, target);
  const left = targetHeight - height;
  return {
    state,
    height,
    targetHeight,
    progress: targetHeight === 0 ? (state === 'synced' ? 1 : 0) : Math.min(1, height / targetHeight),
    headersPerSecond: Math.round(rate),
    etaSeconds: state === 'synced' ? 0 : rate > 0 ? Math.ceil(left / rate) : null,
  };
}
