// npm run generate: writes every generated file (scripts/generate/outputs.ts) from the tables in
// shared/: the Go relay's tier table, the Prometheus rules, the Grafana dashboard, the recipes in
// docs/architecture.md.
// npm run generate -- --check exits 1, naming the stale files, instead of writing them.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';
import * as prettier from 'prettier';

mkdirSync('.tmp', { recursive: true });
await build({
  entryPoints: ['scripts/generate/outputs.ts'],
  bundle: true,
  platform: 'node',
  format: 'esm',
  outfile: '.tmp/generate-outputs.mjs',
  logLevel: 'warning',
});
const { generatedFiles } = await import(`${process.cwd()}/.tmp/generate-outputs.mjs`);

async function rendered(file, current) {
  const text = file.render(current);
  if (!file.prettier) return text;
  const options = { ...(await prettier.resolveConfig(file.path)), filepath: file.path };
  return prettier.format(text, options);
}

const check = process.argv.includes('--check');
const stale = [];
for (const file of generatedFiles()) {
  const current = existsSync(file.path) ? readFileSync(file.path, 'utf8') : null;
  const next = await rendered(file, current);
  if (current === next) continue;
  stale.push(file.path);
  if (!check) writeFileSync(file.path, next);
}
if (check && stale.length > 0) {
  process.stderr.write(`Out of date (run npm run generate): ${stale.join(', ')}\n`);
  process.exit(1);
}
if (!check)
  process.stdout.write(
    stale.length === 0 ? 'generated files up to date\n' : `regenerated ${stale.join(', ')}\n`,
  );
