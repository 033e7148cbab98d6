// npm run contract:doc: rewrites README.md's relay contract block from shared/relay-contract-spec.ts.
// npm run contract:doc -- --check exits 1 when the README is out of date instead of writing it.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { build } from 'esbuild';
import * as prettier from 'prettier';

mkdirSync('.tmp', { recursive: true });
await build({
  entryPoints: ['shared/relay-contract-doc.ts'],
  bundle: true,
  platform: 'node',
  format: 'esm',
  outfile: '.tmp/relay-contract-doc.mjs',
  logLevel: 'warning',
});
const { renderContractDoc, withContractBlock } = await import(`${process.cwd()}/.tmp/relay-contract-doc.mjs`);

export async function regenerated(readme) {
  const options = { ...(await prettier.resolveConfig('README.md')), filepath: 'README.md' };
  return prettier.format(withContractBlock(readme, renderContractDoc()), options);
}

const readme = readFileSync('README.md', 'utf8');
const next = await regenerated(readme);
if (process.argv.includes('--check')) {
  if (next !== readme) {
    process.stderr.write('README.md relay contract section is out of date: run npm run contract:doc\n');
    process.exit(1);
  }
} else if (next !== readme) {
  writeFileSync('README.md', next);
  process.stdout.write('README.md relay contract section regenerated\n');
}
