// npm run conformance -- /path/to/binary: builds the relay, the demo peer and the check (electron/conformance.ts), then runs it.
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';

const built = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);
await build({
  entryPoints: { conformance: 'electron/conformance.ts' },
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  outdir: 'dist/cli',
  outExtension: { '.js': '.mjs' },
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  logLevel: 'warning',
});
const run = spawnSync(process.execPath, ['dist/cli/conformance.mjs', ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(run.status ?? 1);
