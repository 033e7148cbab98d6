// npm run contract:doc: rewrites docs/relay-contract.md's contract block from shared/relay-contract-spec.ts.
// npm run contract:doc -- --check exits 1 when docs/relay-contract.md is out of date instead of writing it.
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
  const options = {
    ...(await prettier.resolveConfig('docs/relay-contract.md')),
    filepath: 'docs/relay-contract.md',
  };
  return prettier.format(withContractBlock(readme, renderContractDoc()), options);
}

const readme = readFileSync('docs/relay-contract.md', 'utf8');
const next = await regenerated(readme);
if (process.argv.includes('--check')) {
  if (next !== readme) {
    process.stderr.write(
      'docs/relay-contract.md contract section is out of date: run npm run contract:doc\n',
    );
    process.exit(1);
  }
} else if (next !== readme) {
  writeFileSync('docs/relay-contract.md', next);
  process.stdout.write('docs/relay-contract.md contract section regenerated\n');
}
