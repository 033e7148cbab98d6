import type { ProfileState } from '../shared/profile-api';
import type { RelayStatus } from '../shared/relay-status';
import type { SlaTestResult } from '../shared/sla-test';
import { compareRatio, formatComparison } from '../shared/figures';
import { VERDICT_WORDS } from '../shared/verdict';
import { columns } from './output';

/** Plain-text renderings of results for people; scripts use --json. */

const ms = (value: number | null | undefined) => (value == null ? '—' : `${value.toFixed(2)} ms`);

export function statusText(relay: RelayStatus, profile: ProfileState): string {
  const rows: string[][] = [
    ['relay', `${relay.state}${relay.pid ? ` (pid ${relay.pid})` : ''}`],
    ['tier', profile.tier],
    ['profile', profile.active ?? 'none'],
  ];
  if (relay.ports) rows.push(['api', `127.0.0.1:${relay.ports.api} (health ${relay.ports.health})`]);
  if (relay.message) rows.push(['message', relay.message]);
  for (const entry of profile.environment.entries) {
    rows.push([
      `env ${entry.name}`,
      entry.status === 'applied' ? `${entry.value} (from environment)` : `refused: ${entry.reason}`,
    ]);
  }
  return columns(rows);
}

export function slaTestText(result: SlaTestResult): string {
  const header = ['TIER', 'N', 'FAILED', 'MEAN', 'P99', 'P99.9', 'MAX', 'COMPLIANCE', 'VERDICT'];
  const rows = result.tiers.map((t) => [
    t.tier,
    String(t.n),
    String(t.failed),
    ms(t.latency?.mean),
    ms(t.latency?.p99),
    ms(t.latency?.p999),
    ms(t.latency?.max),
    t.sla.compliance === null ? '—' : `${(t.sla.compliance * 100).toFixed(2)}%`,
    VERDICT_WORDS[t.sla.verdict],
  ]);
  const lines = [columns([header, ...rows])];
  const better = result.improvement;
  // "0.9× faster" read as faster when it was slower: the shared comparison says lower or higher.
  const mean = compareRatio(better?.mean ?? null);
  if (better && mean)
    lines.push(`${better.to} against ${better.from}: average latency ${formatComparison(mean)}`);
  return lines.join('\n');
}
