import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { generatedFiles, type GeneratedFile } from '../scripts/generate/outputs';

/**
 * The generated files (the Go relay's tier table, the Prometheus rules, the Grafana dashboard, the
 * recipes in docs/architecture.md) are
 * checked in: regenerating from the tables must change nothing, so a table edited without
 * `npm run generate` fails here, naming the file.
 */

const root = path.resolve(import.meta.dirname, '..');

async function rendered(file: GeneratedFile, current: string): Promise<string> {
  const text = file.render(current);
  if (!file.prettier) return text;
  const options = { ...(await prettier.resolveConfig(path.join(root, file.path))), filepath: file.path };
  return prettier.format(text, options);
}

describe.each(generatedFiles().map((file) => [file.path, file] as const))('%s', (name, file) => {
  it('is what npm run generate writes from the tables', async () => {
    const current = readFileSync(path.join(root, name), 'utf8');
    expect(await rendered(file, current)).toBe(current);
  });
});

describe('npm run generate', () => {
  it('agrees in --check mode', () => {
    expect(() =>
      execFileSync(process.execPath, ['scripts/generate.mjs', '--check'], { cwd: root }),
    ).not.toThrow();
  });

  it('writes Go that gofmt leaves as it is', () => {
    const gofmt = spawnSync('gofmt', ['-l', 'relay/go/tiers_gen.go'], { cwd: root, encoding: 'utf8' });
    if (gofmt.error) throw new Error(`gofmt not found (${gofmt.error.message}): install Go to run this test`);
    expect(gofmt.stderr).toBe('');
    expect(gofmt.stdout).toBe('');
  });
});
