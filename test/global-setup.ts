import { execFileSync } from 'node:child_process';

// Integration tests spawn the bundled relay, demo peer and probe exactly as the app does, so bundle
// them once before any test runs (esbuild takes well under a second).
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}
