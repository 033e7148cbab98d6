import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyKnobs } from '../relay/health/knobs';
import { parseConfig } from '../relay/config';
import { FIELD_SPECS, OVERRIDE_FIELDS } from '../renderer/optimizations/overrides-form';
import { KNOB_DESCRIPTIONS, previewRows } from '../renderer/optimizations/plan-preview';
import { KNOB_TABLE, NODE_RELAY_KNOBS, SEED_KNOBS, type KnobType } from '../shared/knobs';
import { PLAN_ITEM_NAMES, planLaunch, TierOverrides, type LaunchTarget } from '../shared/launch';
import { linuxCaps } from '../shared/launch/test-support/capabilities';
import { ENV_KNOBS, parseEnvironmentOverrides } from '../shared/profile-env';
import { RELAY_ENV } from '../shared/relay-contract';

/**
 * Every place that must know a relay knob, checked row by row against shared/knobs.ts: a knob left
 * out of any of them fails here, by name.
 */

const root = path.resolve(import.meta.dirname, '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

/** A value of each type that differs from every tier's default, written as the environment would. */
const SAMPLE: Readonly<Record<KnobType, { text: string; value: number | boolean }>> = {
  gc: { text: '40', value: 40 },
  cores: { text: '3', value: 3 },
  memory: { text: '300MiB', value: 300 },
  semispace: { text: '32', value: 32 },
  boolean: { text: 'true', value: true },
};

const BUILTIN: LaunchTarget = { kind: 'builtin', execPath: '/x/electron', script: '/x/relay.mjs' };
const EXTERNAL: LaunchTarget = { kind: 'external', path: '/x/bitcoin-sprint' };

function plan(target: LaunchTarget, overrides: TierOverrides = {}) {
  return planLaunch({
    tier: 'free',
    overrides,
    platform: 'linux',
    capabilities: linuxCaps(8),
    target,
    env: {},
  });
}

describe.each(KNOB_TABLE.map((knob) => [knob.env, knob] as const))('knob %s', (env, knob) => {
  it('is in the relay contract and the plan item names', () => {
    expect(Object.values(RELAY_ENV)).toContain(env);
    expect(PLAN_ITEM_NAMES).toContain(env);
    expect(KNOB_DESCRIPTIONS[env]).toBe(knob.description);
  });

  it('is planned for the relays that read it, and only those', () => {
    const external = plan(EXTERNAL).requested.map((item) => item.name);
    const builtin = plan(BUILTIN).requested.map((item) => item.name);
    expect(external.includes(env)).toBe(knob.runtime !== 'node');
    expect(builtin.includes(env)).toBe(knob.runtime !== 'go');
  });

  it('follows its override into the plan, its environment and the preview', () => {
    const overrides = TierOverrides.parse({ [knob.override]: SAMPLE[knob.type].value });
    const target = knob.runtime === 'node' ? BUILTIN : EXTERNAL;
    const planned = plan(target, overrides);
    expect(planned.requested.find((item) => item.name === env)).toMatchObject({
      requested: SAMPLE[knob.type].text,
      overridden: true,
    });
    expect(planned.env[env]).toBe(SAMPLE[knob.type].text);
    const preview = previewRows('free', overrides, {}, { capabilities: linuxCaps(8), target: target.kind });
    expect(preview.find((row) => row.name === env)?.requested).toBe(SAMPLE[knob.type].text);
  });

  it("has its override validated by its type (TierOverrides' field derives from the row)", () => {
    expect(TierOverrides.safeParse({ [knob.override]: SAMPLE[knob.type].value }).success).toBe(true);
    expect(TierOverrides.safeParse({ [knob.override]: 'not a value' }).success).toBe(false);
  });

  it('is listed in docs/relay-contract.md', () => {
    // The knob table in "The relay's runtime knobs": one line per variable.
    expect(read('docs/relay-contract.md')).toMatch(new RegExp(`^\\| \`${env}\` +\\|`, 'm'));
  });

  it('is read by the Go relay and reported on its /health (unless only our Node relay reads it)', () => {
    expect(read('relay/go/config.go').includes(`"${env}"`)).toBe(knob.runtime !== 'node');
    expect(read('relay/go/knobs.go').includes(`knobs["${env}"]`)).toBe(knob.runtime !== 'node');
  });
});

describe.each(SEED_KNOBS.map((knob) => [knob.env, knob] as const))('seed knob %s', (env, knob) => {
  it('has a field in the overrides form', () => {
    expect(OVERRIDE_FIELDS).toContain(knob.override);
    expect(FIELD_SPECS.find((spec) => spec.item === env)).toMatchObject({ field: knob.override, label: env });
  });

  it('is a seed variable the panel reads from its own environment', () => {
    expect(ENV_KNOBS).toContainEqual({ name: env, key: knob.override });
    const parsed = parseEnvironmentOverrides({ [env]: SAMPLE[knob.type].text });
    expect(parsed.entries).toEqual([expect.objectContaining({ name: env, status: 'applied' })]);
    expect(parsed.values[knob.override]).toBe(SAMPLE[knob.type].value);
  });

  it("is parsed by our relay's config and reported on its /health", () => {
    const config = parseConfig({ API_KEYS: 'panel', [env]: SAMPLE[knob.type].text });
    expect(config[knob.override]).toBe(SAMPLE[knob.type].value);
    // HIGH_PRIORITY=true would renice this test process: the report is checked at the tier's value.
    const report = applyKnobs(parseConfig({ API_KEYS: 'panel' })).knobs;
    expect(Object.keys(report)).toContain(env);
  });
});

describe.each(NODE_RELAY_KNOBS.filter((k) => k.runtime === 'node').map((k) => [k.env, k] as const))(
  'Node relay knob %s',
  (env, knob) => {
    it('has a field in the overrides form', () => {
      expect(FIELD_SPECS.find((spec) => spec.item === env)).toMatchObject({
        field: knob.override,
        label: env,
      });
    });

    it("is parsed by our relay's config and reported on its /health", () => {
      const config = parseConfig({ API_KEYS: 'panel', [env]: SAMPLE[knob.type].text });
      expect(config[knob.override]).toBe(SAMPLE[knob.type].value);
      expect(Object.keys(applyKnobs(config).knobs)).toContain(env);
    });

    it('is refused with the reason for an external binary, and never given to it', () => {
      const planned = plan(EXTERNAL, TierOverrides.parse({ [knob.override]: SAMPLE[knob.type].value }));
      expect(planned.env[env]).toBeUndefined();
      expect(planned.args.join(' ')).not.toMatch(/semi-space/);
      expect(planned.ungranted).toContainEqual({
        name: env,
        reason: expect.stringMatching(/built-in Node relay only/),
      });
    });
  },
);

describe('the knob table', () => {
  it('names each variable and contract key once', () => {
    expect(new Set(KNOB_TABLE.map((k) => k.env)).size).toBe(KNOB_TABLE.length);
    expect(new Set(KNOB_TABLE.map((k) => k.contractKey)).size).toBe(KNOB_TABLE.length);
    for (const knob of KNOB_TABLE) expect(RELAY_ENV[knob.contractKey]).toBe(knob.env);
  });

  it('leaves no plan item, form field or seed variable that is not a row', () => {
    const known = new Set<string>([
      'priority',
      'scheduling',
      'affinity',
      'probe-affinity',
      ...KNOB_TABLE.map((k) => k.env),
    ]);
    expect(PLAN_ITEM_NAMES.filter((name) => !known.has(name))).toEqual([]);
    expect(FIELD_SPECS.filter((spec) => !known.has(spec.item))).toEqual([]);
    expect(ENV_KNOBS.length).toBe(SEED_KNOBS.length);
  });
});
