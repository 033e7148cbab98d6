import { countExpr, quantileExpr, tipLagExpr, withinTargetExpr } from '../../shared/fleet-promql';
import { TIER_LIST, type TierSpec } from '../../shared/tiers';
import { toYaml, type YamlValue } from './yaml';

/**
 * ops/prometheus/rules/*.yml, generated from the tier table (through the PromQL table,
 * shared/fleet-promql.ts) and the burn-rate and health tables below. `npm run generate` writes them;
 * test/generated.test.ts fails when a checked-in file differs from what this renders, and
 * test/ops/ops.test.ts runs promtool on them.
 */

/**
 * The Google SRE workbook's multiwindow, multi-burn-rate alerts ("Alerting on SLOs"): each fires only
 * when both a long and a short window burn the budget faster than `factor` times the sustainable rate.
 */
export const BURN_ALERTS = [
  {
    alert: 'SprintRelaySlaBudgetBurnFast',
    severity: 'page',
    for: '2m',
    // 2% of a 30-day budget in an hour, or 5% in 6 h.
    pairs: [
      { long: '1h', short: '5m', factor: 14.4 },
      { long: '6h', short: '30m', factor: 6 },
    ],
    summary: '{{ $labels.instance }} ({{ $labels.tier }}) is burning its SLA error budget fast',
    description:
      '{{ $value | humanizePercentage }} of blocks relayed outside the {{ $labels.tier }} target; at this rate the 30-day budget is gone within days.',
  },
  {
    alert: 'SprintRelaySlaBudgetBurnSlow',
    severity: 'ticket',
    for: '15m',
    // 10% of the budget in a day, or in 3 days.
    pairs: [
      { long: '1d', short: '2h', factor: 3 },
      { long: '3d', short: '6h', factor: 1 },
    ],
    summary:
      '{{ $labels.instance }} ({{ $labels.tier }}) is spending its SLA error budget faster than it refills',
    description:
      '{{ $value | humanizePercentage }} of blocks relayed outside the {{ $labels.tier }} target over the long window.',
  },
] as const;

/** Relay health alerts: one row each. */
export const HEALTH_ALERTS: ReadonlyArray<{
  alert: string;
  expr: string;
  for?: string;
  severity: 'page' | 'ticket';
  summary: string;
  description: string;
}> = [
  {
    alert: 'SprintRelayDown',
    expr: 'up{job=~"sprint-relay.*"} == 0',
    for: '2m',
    severity: 'page',
    summary: '{{ $labels.instance }} does not answer /metrics',
    description: 'Prometheus could not scrape the relay health port for 2 minutes.',
  },
  {
    alert: 'SprintRelayTipBehind',
    expr: 'sprint:relay_tip_lag:blocks >= 2',
    for: '10m',
    severity: 'ticket',
    summary: '{{ $labels.instance }} is {{ $value }} blocks behind the best tip of the fleet',
    description: 'Its upstream peers may be stalled or partitioned.',
  },
  {
    alert: 'SprintRelayNotSynced',
    expr: 'bitcoin_sprint_sync_progress_ratio < 1',
    for: '15m',
    severity: 'ticket',
    summary: '{{ $labels.instance }} has been syncing headers for 15 minutes',
    description: 'Sync progress {{ $value | humanizePercentage }}.',
  },
  {
    alert: 'SprintRelayRestarting',
    expr: 'changes(process_start_time_seconds{job=~"sprint-relay.*"}[30m]) > 3',
    severity: 'ticket',
    summary: '{{ $labels.instance }} restarted {{ $value }} times in 30 minutes',
    description:
      'Tier switches restart the relay too; more than three in 30 minutes is usually a crash loop.',
  },
];

/** The percentiles recorded per relay over 5 minutes. */
export const RECORDED_QUANTILES = [0.5, 0.99, 0.999] as const;

const SECONDS: Readonly<Record<string, number>> = { m: 60, h: 3600, d: 86_400 };
const seconds = (window: string): number => Number(window.slice(0, -1)) * (SECONDS[window.slice(-1)] ?? NaN);

/** Every window a burn-rate alert reads, shortest first: each gets its error-ratio recording rules. */
export function burnWindows(): string[] {
  const all = new Set(BURN_ALERTS.flatMap((a) => a.pairs.flatMap((p) => [p.long, p.short])));
  return [...all].sort((a, b) => seconds(a) - seconds(b));
}

const errorRatio = (window: string) => `sprint:relay_latency_error_ratio:rate${window}`;
const BUDGET = 'sprint:relay_sla_error_budget:ratio';
const quantileName = (q: number) => `p${String(q * 100).replace('.', '')}`;

export function recordingRules(tiers: readonly TierSpec[] = TIER_LIST): YamlValue {
  const sli = burnWindows().flatMap((w) => [
    {
      record: `sprint:relay_latency_good:rate${w}`,
      expr: withinTargetExpr('', w, 'rate', tiers).split(' or ').join('\nor\n'),
    },
    { record: `sprint:relay_latency_total:rate${w}`, expr: countExpr('', w, 'rate') },
    {
      record: errorRatio(w),
      expr: `1 - sprint:relay_latency_good:rate${w} / on (job, instance) sprint:relay_latency_total:rate${w}`,
    },
  ]);
  const overview = [
    {
      record: BUDGET,
      expr: '(1 - bitcoin_sprint_sla_objective_ratio) * on (job, instance) group_left (tier) bitcoin_sprint_tier_info',
    },
    ...RECORDED_QUANTILES.map((q) => ({
      record: `sprint:relay_latency_seconds:${quantileName(q)}_rate5m`,
      expr: quantileExpr(q, '', '5m'),
    })),
    { record: 'sprint:relay_tip_lag:blocks', expr: tipLagExpr('', '') },
    // The seed's memory name, for dashboards that still use it (the relay serves it on
    // /metrics/compat only: promtool rejects the abbreviated unit on /metrics).
    { record: 'bitcoin_sprint_memory_alloc_mb', expr: 'bitcoin_sprint_memory_alloc_bytes / 1048576' },
  ];
  return {
    groups: [
      { name: 'sprint-relay-sli', rules: sli },
      { name: 'sprint-relay-overview', rules: overview },
    ],
  };
}

export function alertingRules(): YamlValue {
  const burn = BURN_ALERTS.map((a) => ({
    alert: a.alert,
    expr: a.pairs
      .map((p) =>
        [p.long, p.short]
          .map((w) => `${errorRatio(w)} > on (job, instance) group_left (tier) (${p.factor} * ${BUDGET})`)
          .map((line) => `    ${line}`)
          .join('\n  and\n'),
      )
      .map((pair) => `(\n${pair}\n)`)
      .join('\nor\n'),
    for: a.for,
    labels: { severity: a.severity },
    annotations: { summary: a.summary, description: a.description },
  }));
  const health = HEALTH_ALERTS.map((a) => ({
    alert: a.alert,
    expr: a.expr,
    for: a.for,
    labels: { severity: a.severity },
    annotations: { summary: a.summary, description: a.description },
  }));
  return {
    groups: [
      { name: 'sprint-relay-sla', rules: burn },
      { name: 'sprint-relay-health', rules: health },
    ],
  };
}

const GENERATED = 'Generated by npm run generate (scripts/generate/prometheus-rules.ts); do not edit.';

export function renderRecordingRules(tiers: readonly TierSpec[] = TIER_LIST): string {
  const targets = targetsText(tiers);
  return toYaml(recordingRules(tiers), [
    'Recording rules for the Bitcoin Sprint relay SLA (docs/operations.md, "Fleet").',
    GENERATED,
    '',
    "SLI: a relayed block is good when its relay latency is within the tier's target. The histogram's",
    `bucket bounds sit exactly on the targets (${targets}), so "within target" is one bucket's count,`,
    "and compliance = bucket{le=target} / count. The target follows the relay's current tier through",
    'bitcoin_sprint_tier_info (the tier table: shared/tiers.ts).',
    '',
    'Error budget: 1 - objective (bitcoin_sprint_sla_objective_ratio). Alerts in sprint-alerts.yml compare',
    'error ratios with burn-rate multiples of that budget (the Google SRE workbook, multiwindow, multi-burn-rate).',
  ]);
}

export function renderAlertingRules(): string {
  const lines = BURN_ALERTS.map(
    (a) => `  ${a.severity}: ${a.pairs.map((p) => `${p.long} and ${p.short} at ${p.factor}x`).join(', or ')}`,
  );
  return toYaml(alertingRules(), [
    'Alerting rules for the Bitcoin Sprint relay SLA and fleet health (docs/operations.md, "Fleet").',
    GENERATED,
    '',
    'SLA burn-rate alerts follow the Google SRE workbook ("Alerting on SLOs", multiwindow,',
    'multi-burn-rate alerts): each fires only when both a long and a short window burn the error budget',
    'faster than a multiple of the sustainable rate, so it fires fast on a real outage and resets fast.',
    ...lines,
    "The budget is per relay, from its tier's objective (sprint:relay_sla_error_budget:ratio).",
  ]);
}

function targetsText(tiers: readonly TierSpec[]): string {
  return (
    [...new Set(tiers.map((t) => t.targetMs / 1000))]
      .sort((a, b) => a - b)
      .map(String)
      .join(', ') + ' s'
  );
}
