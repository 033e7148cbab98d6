#!/usr/bin/env node
// The `sprint-control` bin: runs the bundled CLI (node scripts/build.mjs builds it into dist/cli/).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('../dist/cli/sprint-control.mjs', import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write(
    'sprint-control is not built yet: run `node scripts/build.mjs` (or `npm run build`).\n',
  );
  process.exit(2);
}
await import(bundle);
