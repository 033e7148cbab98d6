import { complianceExpr, quantileExpr, restartsExpr, tipLagExpr } from '../../shared/fleet-promql';
import { TIER_LIST, type TierSpec } from '../../shared/tiers';

/**
 * ops/grafana/sprint-fleet.json, generated from the panel table below, whose queries come from the
 * PromQL table (shared/fleet-promql.ts) and so from the tier table. A new panel is one row in
 * PANELS: ids, refIds and grid positions are derived (panels flow left to right in rows of 24
 * columns). `npm run generate` writes the file; test/generated.test.ts fails when it is stale.
 */

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' } as const;
const FLEET = 'job=~"$job"';
const RELAY = 'job=~"$job",instance="$instance"';

interface Query {
  readonly expr: string;
  readonly legendFormat?: string;
  /** A table panel's queries are instant, one row per relay. */
  readonly table?: boolean;
}

export interface PanelRow {
  readonly section: string;
  readonly type: 'stat' | 'table' | 'timeseries';
  readonly title: string;
  readonly w: number;
  readonly h: number;
  readonly queries: (tiers: readonly TierSpec[]) => readonly Query[];
  readonly defaults?: Readonly<Record<string, unknown>>;
  readonly overrides?: readonly unknown[];
  readonly transformations?: readonly unknown[];
}

const SECTIONS = ['Fleet overview', 'Relay: $instance'] as const;
type Section = (typeof SECTIONS)[number];
const row = (section: Section, r: Omit<PanelRow, 'section'>): PanelRow => ({ section, ...r });

const percentOverride = (name: string, decimals?: number) => ({
  matcher: { id: 'byName', options: name },
  properties: [
    { id: 'unit', value: 'percentunit' },
    ...(decimals === undefined ? [] : [{ id: 'decimals', value: decimals }]),
  ],
});

/** The relay table's columns, one query each, in refId order. */
const RELAY_COLUMNS: ReadonlyArray<{ name: string | null; expr: (tiers: readonly TierSpec[]) => string }> = [
  { name: null, expr: () => `bitcoin_sprint_tier_info{${FLEET}}` },
  { name: 'tip', expr: () => `bitcoin_sprint_tip_height{${FLEET}}` },
  { name: 'lag (blocks)', expr: () => tipLagExpr(FLEET, FLEET) },
  { name: 'p50 (s)', expr: () => quantileExpr(0.5, FLEET, '$window') },
  { name: 'p99.9 (s)', expr: () => quantileExpr(0.999, FLEET, '$window') },
  { name: 'compliance', expr: (tiers) => complianceExpr(FLEET, '$window', tiers) },
  { name: 'objective', expr: () => `bitcoin_sprint_sla_objective_ratio{${FLEET}}` },
  { name: 'restarts', expr: () => restartsExpr(FLEET, '$__range') },
];

export const PANELS: readonly PanelRow[] = [
  row('Fleet overview', {
    type: 'stat',
    title: 'Relays up',
    w: 4,
    h: 4,
    queries: () => [{ expr: `sum(up{${FLEET}})`, legendFormat: 'up' }],
    defaults: { unit: 'none' },
  }),
  row('Fleet overview', {
    type: 'stat',
    title: 'Relays below SLA ($window)',
    w: 4,
    h: 4,
    queries: (tiers) => [
      {
        expr: `count((${complianceExpr(FLEET, '$window', tiers)}) < on (job, instance) bitcoin_sprint_sla_objective_ratio) or vector(0)`,
        legendFormat: 'below',
      },
    ],
    defaults: {
      unit: 'none',
      thresholds: {
        mode: 'absolute',
        steps: [
          { color: 'green', value: null },
          { color: 'red', value: 1 },
        ],
      },
    },
  }),
  row('Fleet overview', {
    type: 'stat',
    title: 'Best tip',
    w: 4,
    h: 4,
    queries: () => [{ expr: `max(bitcoin_sprint_tip_height{${FLEET}})`, legendFormat: 'height' }],
    defaults: { unit: 'none', decimals: 0 },
  }),
  row('Fleet overview', {
    type: 'table',
    title: 'Relays',
    w: 24,
    h: 8,
    queries: (tiers) => RELAY_COLUMNS.map((c) => ({ expr: c.expr(tiers), table: true })),
    transformations: [
      { id: 'merge', options: {} },
      {
        id: 'organize',
        options: {
          excludeByName: { Time: true, __name__: true, 'Value #A': true, level: true },
          renameByName: Object.fromEntries(
            RELAY_COLUMNS.flatMap((c, i) => (c.name === null ? [] : [[`Value #${refId(i)}`, c.name]])),
          ),
        },
      },
    ],
    overrides: [percentOverride('compliance', 3), percentOverride('objective')],
  }),
  row('Fleet overview', {
    type: 'timeseries',
    title: 'Compliance by relay ($window)',
    w: 12,
    h: 8,
    queries: (tiers) => [{ expr: complianceExpr(FLEET, '$window', tiers), legendFormat: '{{instance}}' }],
    defaults: { unit: 'percentunit', min: 0, max: 1 },
  }),
  row('Fleet overview', {
    type: 'timeseries',
    title: 'Relay latency p99.9 by relay',
    w: 12,
    h: 8,
    queries: () => [{ expr: quantileExpr(0.999, FLEET, '$__rate_interval'), legendFormat: '{{instance}}' }],
    defaults: { unit: 's' },
  }),
  row('Relay: $instance', {
    type: 'timeseries',
    title: 'Relay latency p50 / p99 / p99.9 against target',
    w: 12,
    h: 9,
    queries: () => [
      { expr: quantileExpr(0.5, RELAY, '$__rate_interval'), legendFormat: 'p50' },
      { expr: quantileExpr(0.99, RELAY, '$__rate_interval'), legendFormat: 'p99' },
      { expr: quantileExpr(0.999, RELAY, '$__rate_interval'), legendFormat: 'p99.9' },
      { expr: `bitcoin_sprint_sla_target_seconds{${RELAY}}`, legendFormat: 'target' },
    ],
    defaults: { unit: 's' },
  }),
  row('Relay: $instance', {
    type: 'timeseries',
    title: 'Compliance against objective ($window)',
    w: 12,
    h: 9,
    queries: (tiers) => [
      { expr: complianceExpr(RELAY, '$window', tiers), legendFormat: 'compliance' },
      { expr: `bitcoin_sprint_sla_objective_ratio{${RELAY}}`, legendFormat: 'objective' },
    ],
    defaults: { unit: 'percentunit', max: 1 },
  }),
  row('Relay: $instance', {
    type: 'timeseries',
    title: "Tip lag behind the fleet's best tip",
    w: 8,
    h: 7,
    queries: () => [{ expr: tipLagExpr(FLEET, RELAY), legendFormat: 'blocks behind' }],
    defaults: { unit: 'none', decimals: 0 },
  }),
  row('Relay: $instance', {
    type: 'stat',
    title: 'Restarts (dashboard range)',
    w: 4,
    h: 7,
    queries: () => [{ expr: restartsExpr(RELAY, '$__range'), legendFormat: 'restarts' }],
    defaults: { unit: 'none', decimals: 0 },
  }),
  row('Relay: $instance', {
    type: 'timeseries',
    title: 'Header sync progress',
    w: 12,
    h: 7,
    queries: () => [{ expr: `bitcoin_sprint_sync_progress_ratio{${RELAY}}`, legendFormat: 'progress' }],
    defaults: { unit: 'percentunit', min: 0, max: 1 },
  }),
  row('Relay: $instance', {
    type: 'timeseries',
    title: 'API requests by code',
    w: 8,
    h: 7,
    queries: () => [
      {
        expr: `sum by (code) (rate(bitcoin_sprint_api_requests_total{${RELAY}}[$__rate_interval]))`,
        legendFormat: '{{code}}',
      },
    ],
    defaults: { unit: 'reqps' },
  }),
  row('Relay: $instance', {
    type: 'timeseries',
    title: 'Peer disconnects and bans by reason',
    w: 8,
    h: 7,
    queries: () => [
      {
        expr: `sum by (reason) (increase(bitcoin_sprint_peer_disconnects_total{${RELAY}}[$__rate_interval]))`,
        legendFormat: 'drop {{reason}}',
      },
      {
        expr: `sum by (reason) (increase(bitcoin_sprint_peer_bans_total{${RELAY}}[$__rate_interval]))`,
        legendFormat: 'ban {{reason}}',
      },
    ],
    defaults: { unit: 'none' },
  }),
  row('Relay: $instance', {
    type: 'timeseries',
    title: 'Announce lead p50 by peer',
    w: 8,
    h: 7,
    queries: () => [
      {
        expr: `histogram_quantile(0.5, sum by (peer, le) (rate(bitcoin_sprint_peer_announce_lead_seconds_bucket{${RELAY}}[$window])))`,
        legendFormat: '{{peer}}',
      },
    ],
    defaults: { unit: 's' },
  }),
];

function refId(i: number): string {
  if (i >= 26) throw new Error('a Grafana panel holds at most 26 queries (refIds A-Z)');
  return String.fromCharCode(65 + i);
}

const WINDOWS = ['5m', '1h', '6h', '1d', '7d', '30d'];
const DEFAULT_WINDOW = '1h';

export function dashboard(
  tiers: readonly TierSpec[] = TIER_LIST,
  panels: readonly PanelRow[] = PANELS,
): unknown {
  const out: unknown[] = [];
  let id = 0;
  let y = 0;
  for (const section of SECTIONS) {
    out.push({
      id: ++id,
      type: 'row',
      title: section,
      collapsed: false,
      gridPos: { x: 0, y, w: 24, h: 1 },
      panels: [],
    });
    y += 1;
    // Panels flow left to right; one that does not fit starts a new line under the tallest above.
    let x = 0;
    let lineHeight = 0;
    for (const p of panels.filter((panel) => panel.section === section)) {
      if (x + p.w > 24) {
        y += lineHeight;
        x = 0;
        lineHeight = 0;
      }
      out.push({
        id: ++id,
        type: p.type,
        title: p.title,
        gridPos: { x, y, w: p.w, h: p.h },
        datasource: DATASOURCE,
        ...(p.transformations === undefined ? {} : { transformations: p.transformations }),
        fieldConfig: { defaults: p.defaults ?? {}, overrides: p.overrides ?? [] },
        targets: p.queries(tiers).map((q, i) => ({
          refId: refId(i),
          datasource: DATASOURCE,
          expr: q.expr,
          ...(q.legendFormat === undefined ? {} : { legendFormat: q.legendFormat }),
          ...(q.table ? { instant: true, format: 'table' } : {}),
        })),
      });
      x += p.w;
      lineHeight = Math.max(lineHeight, p.h);
    }
    y += lineHeight;
  }
  return {
    __inputs: [
      {
        name: 'DS_PROMETHEUS',
        label: 'Prometheus',
        type: 'datasource',
        pluginId: 'prometheus',
        pluginName: 'Prometheus',
      },
    ],
    __requires: [
      { type: 'grafana', id: 'grafana', name: 'Grafana', version: '10.0.0' },
      { type: 'datasource', id: 'prometheus', name: 'Prometheus', version: '1.0.0' },
    ],
    uid: 'bitcoin-sprint-fleet',
    title: 'Bitcoin Sprint fleet',
    description:
      "Relay fleet overview and one relay: latency percentiles from the histograms, SLA compliance against the tier's target from bucket ratios, tip lag, restarts. Generated by npm run generate in Sprint Control (scripts/generate/grafana-dashboard.ts).",
    tags: ['bitcoin-sprint', 'sla'],
    schemaVersion: 39,
    version: 1,
    editable: true,
    graphTooltip: 1,
    time: { from: 'now-6h', to: 'now' },
    refresh: '30s',
    templating: {
      list: [
        {
          name: 'datasource',
          label: 'Prometheus',
          type: 'datasource',
          query: 'prometheus',
          current: { text: '${DS_PROMETHEUS}', value: '${DS_PROMETHEUS}' },
        },
        {
          name: 'job',
          label: 'Job',
          type: 'query',
          datasource: DATASOURCE,
          query: { query: 'label_values(bitcoin_sprint_tier_info, job)', refId: 'job' },
          definition: 'label_values(bitcoin_sprint_tier_info, job)',
          includeAll: true,
          multi: true,
          allValue: '.+',
          refresh: 2,
        },
        {
          name: 'instance',
          label: 'Relay',
          type: 'query',
          datasource: DATASOURCE,
          query: { query: `label_values(bitcoin_sprint_tier_info{${FLEET}}, instance)`, refId: 'instance' },
          definition: `label_values(bitcoin_sprint_tier_info{${FLEET}}, instance)`,
          includeAll: false,
          multi: false,
          refresh: 2,
        },
        {
          name: 'window',
          label: 'SLA window',
          type: 'custom',
          query: WINDOWS.join(','),
          current: { text: DEFAULT_WINDOW, value: DEFAULT_WINDOW },
          options: WINDOWS.map((w) => ({ text: w, value: w, selected: w === DEFAULT_WINDOW })),
        },
      ],
    },
    annotations: {
      list: [
        {
          name: 'Relay restarts',
          datasource: DATASOURCE,
          enable: true,
          iconColor: 'orange',
          expr: `${restartsExpr(RELAY, '1m')} > 0`,
          titleFormat: 'relay restarted',
        },
      ],
    },
    panels: out,
  };
}

export const renderDashboard = (tiers: readonly TierSpec[] = TIER_LIST): string =>
  `${JSON.stringify(dashboard(tiers), null, 2)}\n`;
