/**
 * "How to add …": the recipes of docs/architecture.md, as data. The doc's recipe section is rendered
 * from this table (npm run generate) and test/change-cost.test.ts checks it against the code: the
 * files a recipe names are the only ones that hold an existing entry of that kind, and a longer
 * table reaches every derivation. A recipe's cost is its `edit` files plus its `sometimes` files.
 */

export interface RecipeFile {
  /** Repository path; `<name>` stands for a file named after the new thing. */
  readonly path: string;
  readonly why: string;
}

export interface Recipe {
  readonly id: 'tier' | 'knob' | 'report-format' | 'command' | 'metric';
  readonly title: string;
  /** The issue's target: at most this many files hold the new entry. */
  readonly target: number;
  /** Files that always get the new entry. */
  readonly edit: readonly RecipeFile[];
  /** Files that get it only in the case named. */
  readonly sometimes: ReadonlyArray<RecipeFile & { readonly when: string }>;
  /** Code that does the new thing (its behaviour, not a list entry); a test names it when missing. */
  readonly behaviour: readonly RecipeFile[];
  /** Written by `npm run generate`; never edited by hand. */
  readonly generated: readonly string[];
  /**
   * Files that still hold an entry on this branch and are to derive it (named so the change-cost
   * test can tell a known gap from a new hand-kept list).
   */
  readonly pending?: readonly RecipeFile[];
  readonly check: string;
}

const OPS_GENERATED = [
  'ops/prometheus/rules/sprint-recording.yml',
  'ops/prometheus/rules/sprint-alerts.yml',
  'ops/grafana/sprint-fleet.json',
];

export const RECIPES: readonly Recipe[] = [
  {
    id: 'tier',
    title: 'a tier',
    target: 4,
    edit: [
      {
        path: 'shared/tiers.ts',
        why: 'its row in TIER_NAMES and TIERS (target, objective, priority, limits, knob defaults)',
      },
    ],
    sometimes: [
      {
        path: 'relay/health/metrics.ts',
        why: 'its target as a bound in LATENCY_BUCKETS',
        when: 'its target is not already a histogram bucket',
      },
      {
        path: 'relay/go/metrics.go',
        why: 'its target as a bound in latencyBuckets',
        when: 'its target is not already a histogram bucket',
      },
    ],
    behaviour: [],
    generated: ['relay/go/tiers_gen.go', ...OPS_GENERATED, 'docs/relay-contract.md'],
    check:
      'test/change-cost.test.ts hands a six-tier table to every derivation (Go table, rules under promtool, dashboard, usage text) and fails on a tier name or tier count written anywhere else',
  },
  {
    id: 'knob',
    title: 'a relay knob',
    target: 4,
    edit: [
      {
        path: 'shared/knobs.ts',
        why: 'its row in KNOB_TABLE (env, contract key, override, type, tier default, texts)',
      },
      { path: 'shared/tiers.ts', why: 'its tier defaults in RelayKnobs' },
    ],
    sometimes: [
      {
        path: 'shared/profile.ts',
        why: "its key in the seed file's PerformanceOptimizations and SEED_OVERRIDE_KEYS",
        when: "Bitcoin Sprint's seed config file gains the key",
      },
      {
        path: 'docs/relay-contract.md',
        why: "its key in the seed file's key table (outside the generated contract block)",
        when: "Bitcoin Sprint's seed config file gains the key",
      },
    ],
    behaviour: [
      {
        path: 'relay/health/knobs.ts',
        why: 'what our relay reports for it on /health (does not compile without it)',
      },
      { path: 'relay/relay.ts', why: 'what our relay does with it' },
      {
        path: 'shared/launch/plan-knobs.ts',
        why: "how the plan passes a knob of a new type (a V8 flag in node's argv, as the semi-space)",
      },
      {
        path: 'relay/go/config.go',
        why: "the Go relay reads it, unless its runtime is 'node' (test/knob-table.test.ts)",
      },
      {
        path: 'relay/go/knobs.go',
        why: "the Go relay reports it on /health, unless its runtime is 'node' (test/knob-table.test.ts)",
      },
    ],
    generated: ['docs/relay-contract.md'],
    check:
      'test/knob-table.test.ts follows each row into the plan, the form, the seed variables, both relays and the docs',
  },
  {
    id: 'report-format',
    title: 'a report format',
    target: 3,
    edit: [
      { path: 'shared/report.ts', why: 'its row in REPORT_FORMAT_TABLE (id, label, extension, type)' },
      { path: 'electron/services/reports/writers.ts', why: 'its entry in REPORT_WRITERS (rows or document)' },
      { path: 'electron/services/reports/<name>.ts', why: 'the writer itself' },
    ],
    sometimes: [],
    behaviour: [],
    generated: [],
    check:
      'electron/services/reports/writers.test.ts; the export card, the CLI usage and downloads derive from the table',
  },
  {
    id: 'command',
    title: 'a command in the UI and the CLI',
    target: 4,
    edit: [
      { path: 'shared/api/commands.ts', why: 'its row: params and result schemas, summary' },
      { path: 'electron/services/app-services.ts', why: 'its handler' },
      { path: 'renderer/store/<name>-store.ts', why: 'the store action that calls it' },
      {
        path: 'cli/commands.ts',
        why: 'its entry in COMMAND_TABLE: words, options, usage line, words to params and result to text (the usage text and argument checks derive from it)',
      },
    ],
    sometimes: [
      {
        path: 'renderer/components/<name>.tsx',
        why: 'the control that triggers it',
        when: 'no existing view offers it',
      },
      {
        path: 'cli/<name>-commands.ts',
        why: "the group's words to params and result to text",
        when: 'the command joins a group that has its own file (profile-commands.ts)',
      },
    ],
    behaviour: [],
    generated: [],
    check: 'shared/api/api.test.ts (the table), cli/cli.int.test.ts (the CLI against a real headless panel)',
  },
  {
    id: 'metric',
    title: 'a relay metric with its Grafana panel',
    target: 2,
    edit: [
      {
        path: 'shared/relay-contract-spec.ts',
        why: 'its family in CONTRACT_METRICS (name, type, labels, meaning)',
      },
      {
        path: 'scripts/generate/grafana-dashboard.ts',
        why: 'its panel row in PANELS (grid position and ids derive)',
      },
    ],
    sometimes: [
      { path: 'scripts/generate/prometheus-rules.ts', why: 'an alert row', when: 'it should alert' },
      {
        path: 'shared/fleet-promql.ts',
        why: 'a PromQL builder',
        when: 'the Fleet view or several panels read it',
      },
      {
        path: 'electron/services/fleet/prometheus-source.ts',
        why: 'the Fleet view reads it',
        when: 'the Fleet view shows it',
      },
      {
        path: 'docs/operations.md',
        why: 'what it means to an operator',
        when: 'it needs more than its one-line meaning',
      },
    ],
    behaviour: [
      {
        path: 'relay/health/metrics.ts',
        why: 'our relay serves it (the contract tests read CONTRACT_METRICS)',
      },
      { path: 'relay/go/health.go', why: 'the Go relay serves it' },
      { path: 'relay/go/metrics.go', why: 'the Go relay measures it' },
    ],
    generated: [...OPS_GENERATED, 'docs/relay-contract.md'],
    check:
      'test/generated.test.ts (regenerating changes nothing), test/ops/ops.test.ts (promtool, dashboard shape)',
  },
];

export const RECIPES_BEGIN =
  '<!-- recipes:begin (generated from scripts/generate/recipes.ts by npm run generate; do not edit) -->';
export const RECIPES_END = '<!-- recipes:end -->';

const code = (path: string) => `\`${path}\``;

export function renderRecipes(recipes: readonly Recipe[] = RECIPES): string {
  const out: string[] = [];
  for (const r of recipes) {
    const cost = r.edit.length + r.sometimes.length;
    out.push(`### How to add ${r.title}`, '');
    out.push(
      `Files that take the new entry: ${r.edit.length}${r.sometimes.length > 0 ? `, at most ${cost}` : ''} (target ≤ ${r.target}).`,
      '',
    );
    r.edit.forEach((f, i) => out.push(`${i + 1}. ${code(f.path)}: ${f.why}.`));
    for (const f of r.sometimes) out.push(`- only when ${f.when}: ${code(f.path)}, ${f.why}.`);
    if (r.behaviour.length > 0) {
      out.push('', 'Then its behaviour (code, not a list entry):', '');
      for (const f of r.behaviour) out.push(`- ${code(f.path)}: ${f.why}.`);
    }
    for (const f of r.pending ?? []) out.push('', `Still by hand on this branch: ${code(f.path)}, ${f.why}.`);
    if (r.generated.length > 0) {
      out.push('', `Then \`npm run generate\`, which rewrites ${r.generated.map(code).join(', ')}.`);
    }
    out.push('', `Checked by: ${r.check}.`, '');
  }
  return out.join('\n').trimEnd();
}

/** docs/architecture.md with its recipe block replaced by a fresh rendering. */
export function withRecipes(doc: string, recipes: readonly Recipe[] = RECIPES): string {
  const begin = doc.indexOf(RECIPES_BEGIN);
  const end = doc.indexOf(RECIPES_END);
  if (begin < 0 || end < begin) throw new Error('docs/architecture.md has no recipes markers');
  return `${doc.slice(0, begin + RECIPES_BEGIN.length)}\n\n${renderRecipes(recipes)}\n\n${doc.slice(end)}`;
}
