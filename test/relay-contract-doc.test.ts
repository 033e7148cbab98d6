import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { BEGIN, END, renderContractDoc, withContractBlock } from '../shared/relay-contract-doc';
import { CONTRACT_ENV, CONTRACT_METRICS } from '../shared/relay-contract-spec';
import { KNOB_TABLE } from '../shared/knobs';
import { RELAY_ENV } from '../shared/relay-contract';

/** The contract section of docs/relay-contract.md is generated from shared/relay-contract-spec.ts and kept in step. */

const root = path.resolve(import.meta.dirname, '..');
const readme = readFileSync(path.join(root, 'docs', 'relay-contract.md'), 'utf8');

describe('the relay contract section in docs/relay-contract.md', () => {
  it('is what regenerating writes (npm run contract:doc changes nothing)', async () => {
    const options = {
      ...(await prettier.resolveConfig(path.join(root, 'docs', 'relay-contract.md'))),
      filepath: 'docs/relay-contract.md',
    };
    const regenerated = await prettier.format(withContractBlock(readme, renderContractDoc()), options);
    expect(regenerated).toBe(readme);
  });

  it('the generator script agrees in --check mode', () => {
    expect(() =>
      execFileSync(process.execPath, ['scripts/relay-contract-doc.mjs', '--check'], { cwd: root }),
    ).not.toThrow();
  });

  it('names every variable and family of the data, once each', () => {
    const block = readme.slice(readme.indexOf(BEGIN), readme.indexOf(END));
    for (const v of CONTRACT_ENV) expect(block).toMatch(new RegExp(`^\\| \`${v.name}\` +\\|`, 'm'));
    for (const m of CONTRACT_METRICS)
      expect(block).toMatch(new RegExp(`^\\| \`${m.name}\` +\\| ${m.type} `, 'm'));
  });

  it('refuses a README without the markers rather than appending', () => {
    expect(() => withContractBlock('# no markers', 'x')).toThrow(/no relay-contract markers/);
  });
});

describe('the contract data', () => {
  it('lists every variable the panel passes and every knob', () => {
    const names = CONTRACT_ENV.map((v) => v.name);
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toEqual([...Object.values(RELAY_ENV)].sort());
    for (const knob of KNOB_TABLE) expect(names).toContain(knob.env);
  });

  it('names each metric family once, in Prometheus naming', () => {
    const names = CONTRACT_METRICS.map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
    for (const m of CONTRACT_METRICS) {
      if (m.type === 'counter') expect(m.name).toMatch(/_total$/);
      expect(m.name).toMatch(/^bitcoin_sprint_[a-z_]+$/);
    }
  });
});
