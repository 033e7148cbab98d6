/** The latency chart's time ranges: the shortest from live ticks, the rest from history.query. */
export const RANGE_KEYS = ['5m', '1h', '24h', '7d'] as const;
export type RangeKey = (typeof RANGE_KEYS)[number];

export interface RangeSpec {
  readonly key: RangeKey;
  readonly label: string;
  readonly spokenLabel: string;
  readonly ms: number;
  /** Live ranges draw from metrics.tick only; history ranges query, then refresh every refreshMs. */
  readonly source: 'live' | 'history';
  readonly refreshMs: number;
  /**
   * history.query resolution: 1 h at 1 s (spikes stay visible), 24 h at 1 min, 7 d at 1 h. Fixed
   * rather than 'auto', which may answer raw samples for a young history. The chart buckets
   * anything over 1,000 points itself.
   */
  readonly resolution: '1s' | '1m' | '1h';
}

export const RANGES: Readonly<Record<RangeKey, RangeSpec>> = {
  '5m': {
    key: '5m',
    label: '5 min',
    spokenLabel: 'last 5 minutes',
    ms: 300_000,
    resolution: '1s',
    source: 'live',
    refreshMs: 0,
  },
  '1h': {
    key: '1h',
    label: '1 h',
    spokenLabel: 'last hour',
    resolution: '1s',
    ms: 3_600_000,
    source: 'history',
    refreshMs: 15_000,
  },
  '24h': {
    key: '24h',
    label: '24 h',
    spokenLabel: 'last 24 hours',
    resolution: '1m',
    ms: 86_400_000,
    source: 'history',
    refreshMs: 60_000,
  },
  '7d': {
    key: '7d',
    label: '7 d',
    spokenLabel: 'last 7 days',
    resolution: '1h',
    ms: 7 * 86_400_000,
    source: 'history',
    refreshMs: 300_000,
  },
};
