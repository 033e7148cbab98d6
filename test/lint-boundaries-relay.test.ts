import type { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoLinter, restrictedImports } from './support/lint-imports';

/**
 * relay/ is a stack with no arrow up, proven as the other boundaries are (lint-boundaries.test.ts):
 * small sources at virtual paths, linted with the repository's own eslint.config.js. The order is
 * written here again on purpose, not read from the config, so a rule that drifts from it fails.
 */

/** Bottom first: each folder may import the folders before it, never one after it. */
const STACK = ['wire', 'chain', 'sync', 'p2p', 'api', 'health'] as const;
/** Generic helpers beside the stack: they import nothing of relay/; every folder but wire/ may use them. */
const UTIL = 'util';
/** The composition: relay.ts, main.ts and config.ts in relay/ itself, above every folder. */
const COMPOSITION = ['relay', 'main', 'config'] as const;

let eslint: ESLint;
beforeAll(() => {
  eslint = repoLinter();
});
const restricted = (file: string, specifier: string) => restrictedImports(eslint, file, specifier);

type Case = readonly [file: string, specifier: string];

/** Every arrow up: each folder to each folder above it, and to each composition file. */
const upward: Case[] = [
  ...STACK.flatMap((folder, i): Case[] => [
    ...STACK.slice(i + 1).map((above): Case => [`relay/${folder}/x.ts`, `../${above}/thing`]),
    ...COMPOSITION.map((file): Case => [`relay/${folder}/x.ts`, `../${file}`]),
  ]),
  ...[...STACK, ...COMPOSITION].map((any): Case => [`relay/${UTIL}/x.ts`, `../${any}`]),
  [`relay/wire/x.ts`, `../${UTIL}/log`],
];
/** Every arrow down, to util/, or sideways within a folder. */
const downward: Case[] = [
  ...STACK.flatMap((folder, i): Case[] => [
    ...STACK.slice(0, i).map((below): Case => [`relay/${folder}/x.ts`, `../${below}/thing`]),
    [`relay/${folder}/x.ts`, './thing'],
  ]),
  ...STACK.slice(1).map((folder): Case => [`relay/${folder}/x.ts`, `../${UTIL}/log`]),
  [`relay/${UTIL}/x.ts`, './thing'],
];

describe('relay/ is a stack with no arrow up', () => {
  it('has a case for every arrow (6 folders, util/, 3 composition files)', () => {
    // Up: 5+4+...+0 folder pairs, 3 composition files per folder, util/ to all 9, wire/ to util/.
    expect(upward).toHaveLength(15 + 18 + 9 + 1);
    // Down: 5+4+...+0 folder pairs, 6 sideways, 5 folders to util/, util/ sideways.
    expect(downward).toHaveLength(15 + 6 + 5 + 1);
  });

  it.each(upward)('%s may not import %s', async (file, specifier) => {
    const messages = await restricted(file, specifier);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/no arrow up the stack/);
  });

  it.each(downward)('%s may import %s', async (file, specifier) => {
    expect(await restricted(file, specifier)).toEqual([]);
  });

  it.each<Case>([
    // Deeper files climb further, and the same path may name relay/ on its way.
    ['relay/p2p/hygiene/x.ts', '../../api/server'],
    ['relay/p2p/hygiene/x.ts', '../../config'],
    ['relay/chain/x.ts', '../../relay/p2p/peer'],
    ['relay/chain/x.ts', '../sync'],
    ['relay/sync/x.ts', '../relay.ts'],
    // The demo peer shares the wire codec and chain rules, not the relay's sync or peers.
    ['relay/demo-peer/x.ts', '../sync/header-sync'],
    ['relay/demo-peer/x.ts', '../p2p/peer'],
    ['relay/demo-peer/x.ts', '../api/server'],
    ['relay/demo-peer/x.ts', '../health/metrics'],
    ['relay/demo-peer/x.ts', '../config'],
    // Nothing of relay/ builds on the demo peer.
    ['relay/p2p/x.ts', '../demo-peer/miner'],
    ['relay/chain/x.ts', '../demo-peer/miner'],
  ])('%s may not import %s', async (file, specifier) => {
    const messages = await restricted(file, specifier);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/no arrow up the stack/);
  });

  it.each<Case>([
    // Names that only look like a layer: shared/'s api, a folder's own config, a deeper sibling.
    ['relay/chain/x.ts', '../../shared/api/thing'],
    ['relay/wire/x.ts', '../../shared/relay-contract'],
    ['relay/p2p/hygiene/x.ts', './config'],
    ['relay/p2p/hygiene/x.ts', '../header-sync'],
    ['relay/p2p/x.ts', './hygiene/config'],
    ['relay/demo-peer/x.ts', '../wire/framing'],
    ['relay/demo-peer/x.ts', '../chain/chain'],
    ['relay/demo-peer/x.ts', '../util/log'],
    // The composition wires every layer together.
    ['relay/relay.ts', './p2p/upstream'],
    ['relay/main.ts', './health/server'],
    ['relay/config.ts', './p2p/hygiene/config'],
    // Tests are left out: nothing imports a test, so it adds no arrow to the relay that runs.
    ['relay/wire/header.test.ts', '../chain/chain'],
    ['relay/wire/messages.test.ts', '../demo-peer/miner'],
    // Test support drives the whole relay from outside.
    ['relay/test-support/x.ts', '../p2p/upstream'],
  ])('%s may import %s', async (file, specifier) => {
    expect(await restricted(file, specifier)).toEqual([]);
  });

  it('keeps the boundaries that hold for all of relay/', async () => {
    expect(await restricted('relay/chain/x.ts', '../../electron/services/launch')).toEqual([
      expect.stringMatching(/relay\/ is standalone/),
    ]);
    expect(await restricted('relay/sync/x.ts', '../test-support/chain-gen')).toEqual([
      expect.stringMatching(/never imports test support/),
    ]);
  });
});
