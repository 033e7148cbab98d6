// Bundles every Node-side entry point with esbuild. The renderer is built by Vite (vite.config.ts).
// Each process is bundled whole so the packaged app ships no node_modules for the relay or probe.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  sourcemap: 'linked',
  logLevel: 'warning',
  legalComments: 'none',
};

const esm = {
  ...common,
  format: 'esm',
  // Bundled CommonJS dependencies (ws, prom-client) still call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  outExtension: { '.js': '.mjs' },
};

/** Entry points that exist: later work adds more without touching this file's logic. */
const pick = (entries) => Object.fromEntries(Object.entries(entries).filter(([, file]) => existsSync(file)));

await Promise.all([
  build({
    ...common,
    format: 'cjs',
    external: ['electron'],
    entryPoints: pick({ main: 'electron/main.ts', preload: 'electron/preload.ts' }),
    outdir: 'dist/electron',
    outExtension: { '.js': '.cjs' },
  }),
  build({
    ...esm,
    entryPoints: pick({ serve: 'electron/serve.ts', start: 'electron/start.ts' }),
    outdir: 'dist/electron',
  }),
  build({
    ...esm,
    entryPoints: pick({
      relay: 'relay/main.ts',
      'demo-peer': 'relay/demo-peer/main.ts',
      probe: 'electron/services/probe/main.ts',
      busy: 'electron/services/sla-test/busy-loop.ts',
    }),
    outdir: 'dist/relay',
  }),
  build({ ...esm, entryPoints: pick({ run: 'bench/run.ts' }), outdir: 'dist/bench' }),
  build({ ...esm, entryPoints: pick({ 'sprint-control': 'cli/main.ts' }), outdir: 'dist/cli' }),
  // Test tools run as their own processes; dist/test is never packaged.
  build({ ...esm, entryPoints: pick({ 'hostile-peer': 'test/hostile-peer/main.ts' }), outdir: 'dist/test' }),
]);
