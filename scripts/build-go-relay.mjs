// Builds the Go relay (relay/go, standard library only) into dist/go-relay with Debian's Go, offline:
// no module proxy, no VCS stamping, caches under .tmp/ so a build never writes outside the project.
// `npm run build:go`, or imported by the integration test that supervises the binary.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The repository root from here (scripts/) or from a bundle that inlined this file (dist/bench/):
// the first folder upward holding relay/go, else the working directory.
function findRoot() {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'relay', 'go', 'go.mod'))) return dir;
    if (path.dirname(dir) === dir) return process.cwd();
  }
}

const root = findRoot();

export const GO_RELAY_BINARY = path.join(
  root,
  'dist',
  'go-relay',
  process.platform === 'win32' ? 'sprint-relay.exe' : 'sprint-relay',
);

export class GoMissingError extends Error {
  name = 'GoMissingError';
}

/** The Go toolchain's version line, or null when `go` is not on PATH. */
export function goVersion() {
  const result = spawnSync('go', ['version'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : null;
}

/** Runs `go <args>` in relay/go offline; throws GoMissingError without Go, Error when it fails. */
export function runGo(args) {
  if (goVersion() === null) {
    throw new GoMissingError(
      'Go is not installed (no `go` on PATH): install it (Debian: apt-get install golang-go) to build relay/go',
    );
  }
  const tmp = path.join(root, '.tmp');
  const result = spawnSync('go', args, {
    cwd: path.join(root, 'relay', 'go'),
    encoding: 'utf8',
    env: {
      ...process.env,
      GOPROXY: 'off',
      GOFLAGS: '-buildvcs=false',
      GOTOOLCHAIN: 'local',
      GO111MODULE: 'on',
      CGO_ENABLED: '0',
      GOCACHE: process.env.GOCACHE ?? path.join(tmp, 'go-cache'),
      GOPATH: process.env.GOPATH ?? path.join(tmp, 'go-path'),
    },
  });
  if (result.status !== 0) {
    throw new Error(`go ${args[0]} failed (exit ${result.status}):\n${result.stdout}${result.stderr}`);
  }
  return result.stdout;
}

/**
 * Builds beside the target and renames into place: test files build in parallel workers, and a
 * relay another worker is starting must never find the path missing or half-written.
 */
export function buildGoRelay() {
  mkdirSync(path.dirname(GO_RELAY_BINARY), { recursive: true });
  const partial = `${GO_RELAY_BINARY}.${process.pid}.partial`;
  try {
    runGo(['build', '-trimpath', '-o', partial, '.']);
    renameSync(partial, GO_RELAY_BINARY);
  } finally {
    rmSync(partial, { force: true });
  }
  return GO_RELAY_BINARY;
}

// Run as a script only: a bundle that inlined this module (dist/bench/run.mjs) is not this file.
const self = fileURLToPath(import.meta.url);
if (
  path.basename(self) === 'build-go-relay.mjs' &&
  process.argv[1] &&
  path.resolve(process.argv[1]) === self
) {
  try {
    console.log(`built ${path.relative(root, buildGoRelay())} with ${goVersion()}`);
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
