// When and what the app notifies, without Electron: electron/shell/notifications.ts shows what this
// decides. Kept apart so the dedupe rules are unit-tested in plain Node.
import type { SlaSummary } from '../../shared/metrics';
import { TIERS, type TierName } from '../../shared/tiers';
import { summaryIsSettledBelow } from '../../shared/verdict';

export interface NoticeText {
  readonly title: string;
  readonly body: string;
}

/** Ten minutes: a condition that clears and comes back within it does not notify again. */
export const DEFAULT_QUIET_MS = 10 * 60_000;

/**
 * Turns conditions that are re-reported every second (a crash loop, an SLA breach) into one
 * notification per episode: `enter` says yes when a condition starts, no while it lasts, and yes
 * again only after `clear` ended it and the quiet period since the last notice has passed, so a
 * figure hovering around its objective does not notify at every crossing.
 */
export class EpisodeGate {
  private readonly active = new Set<string>();
  private readonly lastShown = new Map<string, number>();

  constructor(
    private readonly quietMs = DEFAULT_QUIET_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The condition `key` holds now; true when this starts an episode that deserves a notice. */
  enter(key: string): boolean {
    if (this.active.has(key)) return false;
    this.active.add(key);
    const at = this.now();
    const last = this.lastShown.get(key);
    if (last !== undefined && at - last < this.quietMs) return false;
    this.lastShown.set(key, at);
    return true;
  }

  /** The condition `key` no longer holds. */
  clear(key: string): void {
    this.active.delete(key);
  }

  /** Ends every episode whose key starts with `prefix` except `keep` (a breach of another tier). */
  clearOthers(prefix: string, keep: string): void {
    for (const key of [...this.active]) if (key.startsWith(prefix) && key !== keep) this.active.delete(key);
  }

  isActive(key: string): boolean {
    return this.active.has(key);
  }
}

/**
 * What one SLA evaluation means for notifications: a settled miss (shared/verdict.ts) starts (or continues) a breach, a
 * proven pass ends it, and too few samples to tell either way changes nothing, so a relay that
 * just restarted neither raises nor clears a breach.
 */
export function slaTransition(sla: SlaSummary): 'breach' | 'recovered' | 'unchanged' {
  if (summaryIsSettledBelow(sla)) return 'breach';
  if (sla.verdict === 'pass') return 'recovered';
  return 'unchanged';
}

export function crashLoopNotice(message: string | null): NoticeText {
  return {
    title: 'Relay stopped restarting',
    body:
      message?.trim() ||
      'The relay crashed repeatedly and the supervisor gave up. Open the panel for its log.',
  };
}

/** Compliance and objective are fractions (0.9985 = 99.85%), as in shared/tiers.ts. */
export function slaBreachNotice(tier: TierName, compliance: number, objective: number): NoticeText {
  const spec = TIERS[tier];
  return {
    title: `SLA breach on the ${tier} tier`,
    body: `${percent(compliance)} of probes answered within ${spec.targetMs} ms; the objective is ${percent(objective)}.`,
  };
}

/**
 * A fraction as a percentage with as few decimals as it needs, at most three, rounded down: a
 * breach at 99.8996% must not read as the 99.9% objective it missed.
 */
export function percent(fraction: number): string {
  const value = Math.floor(fraction * 100_000 + 1e-6) / 1000;
  const digits = [0, 1, 2, 3].find((d) => Math.abs(Number(value.toFixed(d)) - value) < 1e-9) ?? 3;
  return `${value.toFixed(digits)}%`;
}
