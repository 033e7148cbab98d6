import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { usageText } from '../cli/commands';
import { LATENCY_BUCKETS } from '../relay/health/metrics';
import { promtool } from '../relay/test-support/promtool';
import { renderGoTiers } from '../scripts/generate/go-tiers';
import { dashboard } from '../scripts/generate/grafana-dashboard';
import { generatedFiles } from '../scripts/generate/outputs';
import { renderRecordingRules } from '../scripts/generate/prometheus-rules';
import { RECIPES, type Recipe } from '../scripts/generate/recipes';
import { CONTRACT_ENV } from '../shared/relay-contract-spec';
import { targetBuckets } from '../shared/fleet-promql';
import { SlaTestRequest } from '../shared/sla-test';
import { TIER_LIST, TIER_NAMES, TIERS, tierNamesText, type TierName, type TierSpec } from '../shared/tiers';

/**
 * The change cost of docs/architecture.md's recipes (scripts/generate/recipes.ts), checked against
 * the code two ways:
 * - an existing entry of each kind (a tier name, a knob, a per-format branch, a command, a metric)
 *   appears only in the files its recipe names, generated files and tests: a new hand-kept list
 *   anywhere else fails here, naming the file;
 * - a sixth tier handed to every derivation reaches the Go relay's table (compiled and run), the
 *   rules (under promtool), the dashboard and the usage text.
 */

const root = path.resolve(import.meta.dirname, '..');
const work = mkdtempSync(path.join(tmpdir(), 'sprint-change-cost-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const recipe = (id: Recipe['id']): Recipe => {
  const found = RECIPES.find((r) => r.id === id);
  if (!found) throw new Error(`no recipe ${id}`);
  return found;
};

/** Product sources: tests, test support, fixtures, e2e, benchmarks and images are not entries. */
const SOURCES = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
  cwd: root,
  encoding: 'utf8',
})
  .split('\n')
  .filter((f) => /\.(ts|tsx|mts|mjs|go|css|yml|json|md)$/.test(f))
  .filter((f) => !/(\.test\.tsx?|_test\.go|\.d\.mts)$/.test(f))
  .filter((f) => !/(^|\/)(test|e2e|bench|test-support|fixtures|node_modules)\//.test(f))
  .filter((f) => !['package-lock.json', 'package.json'].includes(f));

const GENERATED = new Set(generatedFiles().map((f) => f.path));

/** Generated blocks inside hand-written docs (the contract section, the recipes). */
const GENERATED_BLOCK = /<!-- (relay-contract|recipes):begin[\s\S]*?<!-- \1:end -->/g;

/** Files whose text matches `pattern`, the generated ones (and blocks) and the recipe table left out. */
function filesMatching(pattern: RegExp): string[] {
  return SOURCES.filter((f) => !GENERATED.has(f) && f !== 'scripts/generate/recipes.ts').filter((f) => {
    let text: string;
    try {
      text = readFileSync(path.join(root, f), 'utf8');
    } catch {
      return false; // listed but deleted in the work tree
    }
    return pattern.test(text.replace(GENERATED_BLOCK, ''));
  });
}

/** A recipe's paths as patterns (`<name>` is any one path segment). */
function named(r: Recipe): RegExp[] {
  const all = [...r.edit, ...r.sometimes, ...r.behaviour, ...(r.pending ?? [])].map((f) => f.path);
  return all.map(
    (p) =>
      new RegExp(
        `^${p
          .split(/<name>/)
          .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('[^/]+')}$`,
      ),
  );
}

const outside = (r: Recipe, files: string[]) => files.filter((f) => !named(r).some((p) => p.test(f)));

describe('each recipe costs no more files than the target', () => {
  it.each(RECIPES.map((r) => [r.id, r] as const))('%s', (_id, r) => {
    expect(r.edit.length, `${r.title}: ${r.edit.map((f) => f.path).join(', ')}`).toBeLessThanOrEqual(
      r.target,
    );
    for (const f of [...r.edit, ...r.sometimes, ...r.behaviour]) {
      if (f.path.includes('<name>')) continue;
      expect(SOURCES, `${r.title} names ${f.path}, which does not exist`).toContain(f.path);
    }
  });
});

describe('an existing entry appears only where its recipe says', () => {
  it('a tier name: only shared/tiers.ts (and generated files) write one', () => {
    // Quoted or in a PromQL/list alternation: a name used as data, not the word in prose.
    const files = filesMatching(/["'`|~]business["'`|]/);
    expect(files).toContain('shared/tiers.ts');
    expect(outside(recipe('tier'), files)).toEqual([]);
  });

  it('the tier count: nowhere as a number', () => {
    expect(filesMatching(/repeat\(5\b|\.max\(5\)|\bfive (performance )?tiers\b|\b5 tiers\b/i)).toEqual([]);
  });

  it('a knob: only the knob recipe files', () => {
    const files = filesMatching(/OPTIMIZE_SYSTEM|optimizeSystem|optimize_system/);
    expect(files).toContain('shared/knobs.ts');
    expect(outside(recipe('knob'), files)).toEqual([]);
  });

  it('a report format: no code branches on one outside the format recipe', () => {
    const branch = /format\s*[!=]==\s*['"](csv|json|html|pdf)['"]|case\s+['"](csv|json|html|pdf)['"]\s*:/;
    expect(outside(recipe('report-format'), filesMatching(branch))).toEqual([]);
  });

  it('a command: only the command recipe files', () => {
    const files = filesMatching(/['"]profile\.apply['"]/);
    expect(files).toContain('shared/api/commands.ts');
    expect(outside(recipe('command'), files)).toEqual([]);
  });

  it('a metric: only the metric recipe files', () => {
    const files = filesMatching(/bitcoin_sprint_sync_progress_ratio/);
    expect(files).toContain('shared/relay-contract-spec.ts');
    expect(outside(recipe('metric'), files)).toEqual([]);
  });
});

describe('a sixth tier reaches every derivation', () => {
  const ultra: TierSpec = {
    ...TIERS.enterprise,
    name: 'ultra' as TierName,
    targetMs: 1,
    objective: 0.9995,
    rateLimit: { perSecond: 1000, burst: 5000 },
  };
  const six = [...TIER_LIST, ultra];

  it('the relays can measure it: every target, the new one too, is a latency bucket in both relays', () => {
    const goBuckets = (
      /var latencyBuckets = \[\]float64\{([^}]*)\}/.exec(
        readFileSync(path.join(root, 'relay/go/metrics.go'), 'utf8'),
      )?.[1] ?? ''
    )
      .split(',')
      .map(Number);
    for (const t of six) {
      expect(LATENCY_BUCKETS, t.name).toContain(t.targetMs / 1000);
      expect(goBuckets, t.name).toContain(t.targetMs / 1000);
    }
  });

  it('the usage text, the contract and the SLA test limit derive from the table', () => {
    expect(usageText()).toContain(tierNamesText(TIER_NAMES));
    expect(tierNamesText(six.map((t) => t.name))).toBe('free, pro, business, turbo, enterprise or ultra');
    expect(CONTRACT_ENV.find((v) => v.name === 'TIER')?.values).toBe(
      TIER_NAMES.map((n) => `\`${n}\``).join(' '),
    );
    expect(SlaTestRequest.safeParse({ tiers: [...TIER_NAMES] }).success).toBe(true);
    const css = readFileSync(path.join(root, 'renderer/styles/dashboard.css'), 'utf8');
    expect(css).toMatch(/\.tier-buttons \{[^}]*repeat\(var\(--tier-count/);
    expect(readFileSync(path.join(root, 'renderer/components/TierSwitcher.tsx'), 'utf8')).toContain(
      "'--tier-count': TIER_NAMES.length",
    );
  });

  it("the PromQL table judges it by its own target's bucket", () => {
    expect(targetBuckets(six)).toContainEqual({ le: '0.001', tiers: ['ultra'] });
  });

  it('the dashboard judges it in every compliance query', () => {
    const text = JSON.stringify(dashboard(six));
    const compliance = [...text.matchAll(/tier=~\\"([^"\\]+)\\"/g)].map((m) => m[1]);
    expect(compliance.length).toBeGreaterThan(0);
    expect(compliance).toContain('ultra');
    expect(JSON.stringify(dashboard())).not.toContain('ultra');
  });

  it('the recording rules judge it, and promtool accepts them', async () => {
    const rules = renderRecordingRules(six);
    expect(rules).toContain(
      'le="0.001"}[5m])) and on (job, instance) bitcoin_sprint_tier_info{tier=~"ultra"}',
    );
    const file = path.join(work, 'six-tiers.yml');
    writeFileSync(file, rules);
    const result = await promtool(['check', 'rules', file]);
    expect(result.code, result.output).toBe(0);
  });

  it('the Go relay built with the generated six-tier table runs it', () => {
    const go = spawnSync('go', ['version'], { encoding: 'utf8' });
    if (go.error) throw new Error(`go not found (${go.error.message}): install Go to run this test`);
    const dir = path.join(work, 'go');
    cpSync(path.join(root, 'relay/go'), dir, {
      recursive: true,
      filter: (src) => !src.endsWith('_test.go') && !src.endsWith('go.test'),
    });
    writeFileSync(path.join(dir, 'tiers_gen.go'), renderGoTiers(six));
    writeFileSync(
      path.join(dir, 'six_tiers_test.go'),
      `package main

import (
	"strings"
	"testing"
)

func TestSixthTier(t *testing.T) {
	get := func(tier string) Getenv {
		return func(k string) string {
			switch k {
			case "TIER":
				return tier
			case "API_KEYS":
				return "k"
			}
			return ""
		}
	}
	c, err := ParseConfig(get("ultra"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Tier.Name != "ultra" || c.Tier.TargetSeconds != 0.001 || c.Tier.Objective != 0.9995 || c.Tier.PerSecond != 1000 || !c.Tier.GCOff {
		t.Fatalf("ultra: %+v", c.Tier)
	}
	_, err = ParseConfig(get("gold"))
	if err == nil || !strings.Contains(err.Error(), "enterprise or ultra") {
		t.Fatalf("unknown tier: %v", err)
	}
}
`,
    );
    expect(readdirSync(dir)).toContain('go.mod');
    const result = spawnSync('go', ['test', '-count=1', '-run', 'TestSixthTier', '.'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 240_000,
      env: { ...process.env, GOFLAGS: '-mod=mod' },
    });
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
  }, 300_000);
});
