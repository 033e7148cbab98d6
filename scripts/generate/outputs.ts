import { TIER_LIST, type TierSpec } from '../../shared/tiers';
import { renderGoTiers } from './go-tiers';
import { renderDashboard } from './grafana-dashboard';
import { renderAlertingRules, renderRecordingRules } from './prometheus-rules';
import { withRecipes } from './recipes';

/**
 * Every file `npm run generate` writes, derived from the tables in shared/ (tiers, PromQL, metrics)
 * and the rule, panel and recipe tables in scripts/generate/. Checked in; test/generated.test.ts fails when
 * one differs from what this renders. `tiers` is a parameter so a test can render a longer table.
 */
export interface GeneratedFile {
  readonly path: string;
  /** Prettier formats it after rendering (YAML, JSON, Markdown); Go is rendered in gofmt's layout. */
  readonly prettier: boolean;
  /** Gets the file as it is (null: none yet), for files of which only a marked block is generated. */
  readonly render: (current: string | null) => string;
}

export function generatedFiles(tiers: readonly TierSpec[] = TIER_LIST): GeneratedFile[] {
  return [
    { path: 'relay/go/tiers_gen.go', prettier: false, render: () => renderGoTiers(tiers) },
    {
      path: 'ops/prometheus/rules/sprint-recording.yml',
      prettier: true,
      render: () => renderRecordingRules(tiers),
    },
    { path: 'ops/prometheus/rules/sprint-alerts.yml', prettier: true, render: () => renderAlertingRules() },
    { path: 'ops/grafana/sprint-fleet.json', prettier: true, render: () => renderDashboard(tiers) },
    {
      path: 'docs/architecture.md',
      prettier: true,
      render: (current) => {
        if (current === null)
          throw new Error('docs/architecture.md is missing: its recipe block goes inside it');
        return withRecipes(current);
      },
    },
  ];
}
