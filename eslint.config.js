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

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: false } },
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
  {
    files: ['electron/services/**', 'electron/serve.ts', 'relay/**', 'bench/**', 'test/**', 'cli/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [electronImport] }] },
  },
  {
    // GitHub Desktop's rule: nothing talks to ipcMain except the typed, sender-checking wrapper.
    files: ['electron/main.ts', 'electron/preload.ts', 'electron/shell/**'],
    ignores: ['electron/shell/ipc.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', importNames: ['ipcMain'], message: 'Use electron/shell/ipc.ts.' }] },
      ],
    },
  },
  {
    files: ['shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronImport],
          patterns: [
            nodeBuiltins,
            {
              group: ['**/electron/**', '**/renderer/**', '**/relay/**'],
              message: 'shared/ is the contract: it imports nothing of the processes.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['relay/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronImport],
          patterns: [
            {
              group: ['**/electron/**', '**/renderer/**'],
              message: 'relay/ is standalone (it may be replaced by the Go binary).',
            },
          ],
        },
      ],
    },
  },
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
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [electronImport],
          patterns: [
            nodeBuiltins,
            {
              group: ['**/electron/**', '**/relay/**'],
              message: 'The renderer talks to the backend only through shared/ and its api client.',
            },
          ],
        },
      ],
    },
  },
);
