/**
 * Which tier was in effect when, learnt from the samples themselves (every sample carries its tier).
 * Blocks and events carry no tier, so a report attributes each to the tier of the latest sample at or
 * before it (or, before the first sample, to the first sample's tier): reproducible from the CSV.
 */
export class TierTimeline {
  /** Change points, ascending: from `at` on, `tier` was measured. Tier switches are rare: small. */
  private readonly changes: TierChange[] = [];

  note(t: number, tier: string): void {
    const last = this.changes[this.changes.length - 1];
    if (last === undefined || last.tier !== tier) this.changes.push({ at: t, tier });
  }

  tierAt(t: number): string | null {
    const first = this.changes[0];
    if (first === undefined) return null;
    // Binary search for the last change at or before t.
    let lo = 0;
    let hi = this.changes.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.changes[mid]?.at ?? Infinity) <= t) lo = mid;
      else hi = mid - 1;
    }
    return this.changes[lo]?.tier ?? first.tier;
  }

  /** The first change of tier strictly after t, if any: where a span attributed to t's tier must end. */
  nextChangeAfter(t: number): number | null {
    return this.changes.find((c) => c.at > t)?.at ?? null;
  }
}

export interface TierChange {
  readonly at: number;
  readonly tier: string;
}
