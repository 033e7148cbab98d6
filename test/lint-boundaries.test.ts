import { readdirSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * Each boundary of DESIGN.md's layout, proven by linting small sources at virtual paths with the
 * repository's own eslint.config.js: the forbidden import must be reported by no-restricted-imports,
 * and the allowed one beside it must not.
 */

const root = path.resolve(import.meta.dirname, '..');
let eslint: ESLint;

beforeAll(() => {
  // The fixtures are virtual files no tsconfig holds: the import rules need no type information.
  eslint = new ESLint({
    cwd: root,
    overrideConfig: {
      languageOptions: { parserOptions: { projectService: false } },
      rules: {
        '@typescript-eslint/no-floating-promises': 'off',
        '@typescript-eslint/no-misused-promises': 'off',
      },
    },
  });
});

/** The no-restricted-imports messages for one import line placed at `file`. */
async function restricted(file: string, specifier: string, name = 'thing'): Promise<string[]> {
  const source = `import { ${name} } from '${specifier}';\nexport const used = ${name};\n`;
  const [result] = await eslint.lintText(source, { filePath: path.join(root, file) });
  // A fixture that does not even parse would report nothing and pass the "allowed" cases.
  expect(result?.fatalErrorCount).toBe(0);
  return (result?.messages ?? [])
    .filter((message) => message.ruleId === 'no-restricted-imports')
    .map((message) => message.message);
}

type Case = readonly [file: string, specifier: string, why: RegExp];

const forbidden: readonly Case[] = [
  ['electron/services/reports/x.ts', '../../shell/tray', /never imports electron\/shell/],
  ['electron/services/x.ts', '../shell/ipc', /never imports electron\/shell/],
  ['electron/services/history/x.ts', '../../../renderer/store/relay-store', /renderer/],
  ['electron/services/launch/x.ts', '../../main', /main\.ts or electron\/preload\.ts/],
  ['electron/services/x.ts', '../preload', /main\.ts or electron\/preload\.ts/],
  ['electron/services/x.ts', 'electron', /Only electron\/main\.ts/],
  ['shared/x.ts', 'node:fs', /no Node modules/],
  ['shared/api/x.ts', 'path', /no Node modules/],
  ['shared/x.ts', '../electron/services/launch', /imports nothing of the processes/],
  ['shared/x.ts', '../relay/config', /imports nothing of the processes/],
  ['shared/x.ts', '../renderer/format', /imports nothing of the processes/],
  ['renderer/views/x.tsx', '../../electron/services/launch', /only through shared/],
  ['renderer/x.ts', '../relay/config', /only through shared/],
  ['renderer/x.ts', 'node:os', /no Node modules/],
  ['relay/p2p/x.ts', '../../electron/services/launch', /relay\/ is standalone/],
  ['relay/x.ts', '../renderer/format', /relay\/ is standalone/],
  // cli/ is a client of the panel (shared/api), like the UI; Node-only common code is shared-node/.
  ['cli/x.ts', '../electron/services/net/http-get', /cli\/ talks to the panel through shared\/api/],
  ['cli/x.ts', '../electron/services/headless/token-source', /cli\/ talks to the panel/],
  ['cli/x.ts', '../electron/conformance', /cli\/ talks to the panel/],
  ['cli/x.ts', '../relay/config', /cli\/ talks to the panel/],
  ['cli/x.ts', '../renderer/format', /cli\/ talks to the panel/],
  ['shared/x.ts', '../shared-node/http-get', /imports nothing of the processes/],
  ['shared/api/x.ts', '../../cli/args', /imports nothing of the processes/],
  ['renderer/x.ts', '../shared-node/paths', /only through shared/],
  ['shared-node/x.ts', '../electron/services/launch', /shared-node\/ is Node-only/],
  ['shared-node/x.ts', '../cli/args', /shared-node\/ is Node-only/],
  ['shared-node/x.ts', '../relay/config', /shared-node\/ is Node-only/],
  // Production code and test support: test-support/ folders, the top-level test/ and e2e/ trees.
  ['electron/services/supervisor/x.ts', './test-support/fake-relay-service', /never imports test support/],
  ['relay/x.ts', './test-support/processes', /never imports test support/],
  ['shared/launch/x.ts', './test-support/capabilities', /never imports test support/],
  ['electron/services/reports/x.ts', './test-support', /never imports test support/],
  ['electron/services/reports/x.ts', './test-support/generated-history', /never imports test support/],
  ['electron/services/launch/x.ts', './test-support/launch-as-user', /never imports test support/],
  ['electron/services/probe/x.ts', './test-support/fake-clock', /never imports test support/],
  ['electron/services/x.ts', '../../e2e/fixtures', /never imports test support/],
  ['electron/services/x.ts', '../../bench/support', /never imports the benchmarks/],
  ['renderer/x.ts', './test-support/fixtures', /never imports test support/],
  ['cli/x.ts', '../test/support/go-relay', /never imports test support/],
  ['electron/main.ts', './services/probe/test-support/relay-harness', /never imports test support/],
];

const allowed: readonly (readonly [file: string, specifier: string])[] = [
  ['electron/services/supervisor/x.ts', '../launch'],
  ['electron/services/x.ts', '../../shared/launch'],
  ['electron/shell/x.ts', '../services/app-services'],
  ['electron/main.ts', './shell/tray'],
  ['shared/x.ts', './launch'],
  ['renderer/views/x.tsx', '../../shared/launch'],
  ['relay/x.ts', '../shared/knobs'],
  // Tests and test support may use test support.
  ['electron/services/supervisor/x.test.ts', './test-support/fake-relay-service'],
  ['shared/launch/plan.test.ts', './test-support/capabilities'],
  ['relay/test-support/x.ts', './processes'],
  ['electron/services/reports/test-support/write-history.ts', './generated-history'],
  ['renderer/test-support/chart-bench-page.tsx', '../components/charts/LatencyChart'],
  ['bench/x.ts', '../relay/test-support/clients'],
  ['cli/x.ts', '../shared/api/client'],
  ['cli/x.ts', '../shared-node/http-get'],
  ['electron/services/x.ts', '../../shared-node/paths'],
  ['electron/serve.ts', '../shared-node/token-source'],
  ['shared-node/x.ts', 'node:fs'],
  ['shared-node/x.ts', '../shared/panel-link'],
];

describe('lint boundaries', () => {
  it.each(forbidden)('%s may not import %s', async (file, specifier, why) => {
    const messages = await restricted(file, specifier);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(why);
  });

  it('electron/shell/ talks to ipcMain only through ipc.ts', async () => {
    expect(await restricted('electron/shell/tray.ts', 'electron', 'ipcMain')).toEqual([
      expect.stringMatching(/Use electron\/shell\/ipc\.ts/),
    ]);
    expect(await restricted('electron/shell/ipc.ts', 'electron', 'ipcMain')).toEqual([]);
    expect(await restricted('electron/shell/tray.ts', 'electron', 'Tray')).toEqual([]);
  });

  it.each(allowed)('%s may import %s', async (file, specifier) => {
    expect(await restricted(file, specifier)).toEqual([]);
  });
});

/** Every file under `dir` (relative to the repository), skipping what no source lives in. */
function filesUnder(dir: string): string[] {
  return readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
    .filter((file) => !file.split(path.sep).some((part) => part === 'node_modules' || part === 'go'));
}

describe('one test-support convention', () => {
  // The lint rule knows test support only by its folder: anything shaped like test support that
  // sits elsewhere would pass it unseen, so none may.
  const looksLikeTestSupport = (file: string): boolean => {
    const parts = file.split(path.sep);
    const name = parts.at(-1) ?? '';
    return (
      parts.includes('fixtures') ||
      parts.includes('bench') ||
      /^(test-|fake-|mock-|stub-)/.test(name) ||
      /^(harness|test-support)\.tsx?$/.test(name)
    );
  };

  it('keeps test support in test-support/ folders in every source tree', () => {
    const strays = ['electron', 'shared', 'shared-node', 'relay', 'renderer', 'cli']
      .flatMap(filesUnder)
      .filter((file) => /\.tsx?$/.test(file) && !/\.(test|spec)\.tsx?$/.test(file))
      .filter((file) => !file.split(path.sep).includes('test-support'))
      .filter(looksLikeTestSupport);
    expect(strays).toEqual([]);
  });

  it('would notice a stray', () => {
    expect(looksLikeTestSupport(path.join('electron', 'services', 'launch', 'fixtures', 'x.ts'))).toBe(true);
    expect(looksLikeTestSupport(path.join('electron', 'services', 'reports', 'test-history.ts'))).toBe(true);
    expect(looksLikeTestSupport(path.join('electron', 'services', 'probe', 'fake-clock.ts'))).toBe(true);
    expect(looksLikeTestSupport(path.join('electron', 'services', 'probe', 'schedule.ts'))).toBe(false);
  });
});
