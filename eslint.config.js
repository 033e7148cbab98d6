// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const nodeBuiltins = {
  group: ['node:*', 'fs', 'path', 'os', 'child_process', 'http', 'net', 'crypto'],
  message: 'shared/ and renderer/ run in the browser too: no Node modules here.',
};
const electronImport = {
  name: 'electron',
  message: 'Only electron/main.ts, electron/preload.ts and electron/shell/ may import electron (DESIGN.md).',
};
const ipcMainImport = {
  name: 'electron',
  importNames: ['ipcMain'],
  message: 'Use electron/shell/ipc.ts.',
};

/**
 * Test support lives in `test-support/` folders beside the code it serves, the one convention
 * (test/lint-boundaries.test.ts also checks no test support sits anywhere else); the top-level
 * test/ and e2e/ trees are tests through and through.
 */
const testSupport = {
  group: ['**/test-support', '**/test-support/**', '**/test/**', '**/e2e/**'],
  message: 'Production code never imports test support (test-support/ folders, test/, e2e/).',
};
/** The benchmarks drive the product from outside; the product never depends on them. */
const benchImport = {
  group: ['**/bench/**'],
  message: 'Production code never imports the benchmarks (bench/).',
};
/** Files that are tests or test support themselves, and so may import test support. */
const testFiles = ['**/*.test.ts', '**/*.test.tsx', '**/*.spec.ts', '**/test-support/**'];

const relayStandalone = {
  group: ['**/electron/**', '**/renderer/**'],
  message: 'relay/ is standalone (it may be replaced by the Go binary).',
};

/**
 * Inside relay/, a stack with no arrow up: wire -> chain -> sync -> p2p -> api -> health -> the
 * composition (relay.ts, main.ts, config.ts), which alone may import every layer; each folder may
 * import only the folders before it. Beside the stack, util/ (log, clock, version, bounded map)
 * imports nothing of relay/ and every folder but wire/ may use it (wire/ stands on nothing).
 * Tests are left out (productionPatterns): nothing imports a test, so a test that builds a chain to
 * get headers for a wire test adds no arrow to the relay that runs.
 */
const relayComposition = ['relay', 'main', 'config'];
/**
 * A relative import that climbs out of its folder into one of relay/'s `folders`, or into a file of
 * the composition. Relative, because that is how relay/ imports itself; `../../shared/api` does not
 * match (it names shared/ first), and no folder below relay/ holds a sub-folder of these names.
 * @param {string[]} folders
 */
const climbsInto = (folders) =>
  `^(\\.\\./)+(relay/)?((${folders.join('|')})(/|$)|(${relayComposition.join('|')})(\\.ts)?$)`;
/**
 * @param {string} folder
 * @param {string[]} above the relay/ folders it may not import
 * @param {string} may what it may import, for the message
 * @returns {Layer}
 */
const relayLayer = (folder, above, may) => ({
  files: [`relay/${folder}/**`],
  paths: [electronImport],
  patterns: [relayStandalone],
  productionPatterns: [
    {
      regex: climbsInto(above),
      message: `relay/${folder}/ may import ${may} of relay/: no arrow up the stack (wire, chain, sync, p2p, api, health, relay.ts; util/ beside it).`,
    },
  ],
});
const relayStack = [
  relayLayer('util', ['wire', 'chain', 'sync', 'p2p', 'api', 'health', 'demo-peer'], 'nothing'),
  relayLayer('wire', ['util', 'chain', 'sync', 'p2p', 'api', 'health', 'demo-peer'], 'nothing else'),
  relayLayer('chain', ['sync', 'p2p', 'api', 'health', 'demo-peer'], 'only util/ and wire/'),
  relayLayer('sync', ['p2p', 'api', 'health', 'demo-peer'], 'only util/, wire/ and chain/'),
  relayLayer('p2p', ['api', 'health', 'demo-peer'], 'only util/, wire/, chain/ and sync/'),
  relayLayer('api', ['health', 'demo-peer'], 'only util/, wire/, chain/, sync/ and p2p/'),
  relayLayer('health', ['demo-peer'], 'only util/, wire/, chain/, sync/, p2p/ and api/'),
  // The demo peer is a Bitcoin node of its own that shares the wire codec and the chain rules with
  // the relay, not the relay's sync or peer machinery: a bug there would otherwise hide on both sides.
  relayLayer('demo-peer', ['sync', 'p2p', 'api', 'health'], 'only util/, wire/ and chain/'),
  // relay/test-support/ drives the whole relay from outside, as tests do: no stack rule.
];

/** Each layer of DESIGN.md's layout, with what it may not import. */
/** @type {Layer[]} */
const layers = [
  {
    files: ['electron/services/**', 'electron/serve.ts'],
    paths: [electronImport],
    patterns: [
      {
        group: ['**/shell', '**/shell/**', '**/renderer/**'],
        message: 'electron/services/ is plain Node: it never imports electron/shell/ or renderer/.',
      },
      {
        regex: '^(\\.\\./)+(main|preload)(\\.ts)?$',
        message: 'electron/services/ never imports electron/main.ts or electron/preload.ts.',
      },
    ],
  },
  {
    // GitHub Desktop's rule: nothing talks to ipcMain except the typed, sender-checking wrapper.
    files: ['electron/main.ts', 'electron/preload.ts', 'electron/shell/**'],
    ignores: ['electron/shell/ipc.ts'],
    paths: [ipcMainImport],
    patterns: [],
  },
  { files: ['electron/shell/ipc.ts'], paths: [], patterns: [] },
  {
    files: ['shared/**'],
    paths: [electronImport],
    patterns: [
      nodeBuiltins,
      {
        group: [
          '**/electron/**',
          '**/renderer/**',
          '**/relay/**',
          '**/cli/**',
          '**/shared-node',
          '**/shared-node/**',
        ],
        message: 'shared/ is the contract: it imports nothing of the processes.',
      },
    ],
  },
  { files: ['relay/**'], paths: [electronImport], patterns: [relayStandalone] },
  ...relayStack,
  {
    files: ['renderer/**'],
    paths: [electronImport],
    patterns: [
      nodeBuiltins,
      {
        group: ['**/electron/**', '**/relay/**', '**/cli/**', '**/shared-node', '**/shared-node/**'],
        message: 'The renderer talks to the backend only through shared/ and its api client.',
      },
    ],
  },
  {
    // The CLI is a client of a running panel, like the UI: it reaches it through the shared API
    // client, and needs nothing of the processes themselves.
    files: ['cli/**'],
    paths: [electronImport],
    patterns: [
      {
        group: ['**/electron', '**/electron/**', '**/renderer/**', '**/relay/**'],
        message:
          'cli/ talks to the panel through shared/api: it imports shared/ and shared-node/, never electron/, renderer/ or relay/.',
      },
    ],
  },
  {
    // What electron/services/ and cli/ both need that only Node can run (HTTP, files, /proc).
    files: ['shared-node/**'],
    paths: [electronImport],
    patterns: [
      {
        group: ['**/electron', '**/electron/**', '**/renderer/**', '**/relay/**', '**/cli/**'],
        message:
          'shared-node/ is Node-only common code: it imports shared/ and Node, nothing of the processes.',
      },
    ],
  },
  { files: ['bench/**', 'test/**'], paths: [electronImport], patterns: [], tooling: true },
];

/**
 * @typedef {{ files: string[]; ignores?: string[]; paths: object[]; patterns: object[]; productionPatterns?: object[]; tooling?: boolean }} Layer
 * @param {Layer} layer
 * @param {boolean} production
 */
const importRule = (layer, production) => ({
  'no-restricted-imports': [
    'error',
    {
      paths: layer.paths,
      patterns: production
        ? [...layer.patterns, ...(layer.productionPatterns ?? []), testSupport, benchImport]
        : layer.patterns,
    },
  ],
});
/** Every file of a layer, tests included. */
const boundaries = layers.map((layer) => ({
  files: layer.files,
  ...(layer.ignores ? { ignores: layer.ignores } : {}),
  rules: importRule(layer, false),
}));
/** The same again for the layer's production files, which also may not import test support. */
const productionBoundaries = layers
  .filter((layer) => !layer.tooling)
  .map((layer) => ({
    files: layer.files,
    ignores: [...(layer.ignores ?? []), ...testFiles],
    rules: importRule(layer, true),
  }));

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'release/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      '.tmp/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Type-aware: a promise nobody awaits or catches hides its rejection (an unhandled rejection
    // ends a Node process), and a promise passed where a callback's result is ignored does too.
    files: ['**/*.{ts,tsx}'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: globals.node },
  },
  ...boundaries,
  {
    // The hostile peer is an independent implementation: sharing the relay's framing would hide a bug
    // both have. Its test harness (harness.ts, *.test.ts) may use the relay's test support.
    files: ['test/hostile-peer/**'],
    ignores: ['test/hostile-peer/harness.ts', 'test/hostile-peer/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronImport],
          patterns: [
            {
              group: ['**/relay/**', '**/shared/**', '**/electron/**', '**/renderer/**'],
              message: 'The hostile peer shares no code with the relay.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  // Last: for a file several blocks match, the last one's no-restricted-imports wins.
  ...productionBoundaries,
);
