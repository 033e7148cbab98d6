import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * No import circles in production code, type-only imports included: a circle makes two modules one
 * (neither can be read, tested or moved alone) and, at run time, leaves one of them half-initialised.
 * The graph comes from the TypeScript scanner (ts.preProcessFile), which sees `import type`,
 * `export … from` and `import()` alike.
 */

const root = path.resolve(import.meta.dirname, '..');
const PRODUCTION_TREES = ['electron', 'cli', 'shared', 'shared-node', 'relay', 'renderer'];

function isProduction(file: string): boolean {
  const parts = file.split(path.sep);
  return (
    /\.tsx?$/.test(file) &&
    !/\.d\.ts$/.test(file) &&
    !/\.(test|spec)\.tsx?$/.test(file) &&
    !parts.some((part) => part === 'test-support' || part === 'node_modules' || part === 'go')
  );
}

function sourcesUnder(dir: string, trees: readonly string[]): string[] {
  return trees
    .filter((tree) => existsSync(path.join(dir, tree)))
    .flatMap((tree) =>
      readdirSync(path.join(dir, tree), { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name))),
    )
    .filter(isProduction)
    .sort();
}

/** A relative specifier as the bundler resolves it: the file, with .ts/.tsx, or its index. */
function resolve(dir: string, from: string, specifier: string, known: ReadonlySet<string>): string | null {
  if (!specifier.startsWith('.')) return null;
  const base = path.join(path.dirname(from), specifier.replace(/\.m?js$/, ''));
  const candidates = [
    base,
    `${base}.ts`,
    `${base}.tsx`,
    path.join(base, 'index.ts'),
    path.join(base, 'index.tsx'),
  ];
  return candidates.map((c) => path.normalize(c)).find((c) => known.has(c)) ?? null;
}

/** Every production file and the production files it imports (relative paths from `dir`). */
function importGraph(dir: string, trees: readonly string[] = PRODUCTION_TREES): Map<string, string[]> {
  const files = sourcesUnder(dir, trees);
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(path.join(dir, file), 'utf8'), true, true);
    const targets = info.importedFiles
      .map((ref) => resolve(dir, file, ref.fileName, known))
      .filter((target): target is string => target !== null);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** One cycle per strongly connected component (Tarjan), written a → b → … → a. */
function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string) => {
    indexOf.set(node, index);
    low.set(node, index++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indexOf.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, indexOf.get(next)!));
    }
    if (low.get(node) === indexOf.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) components.push(component);
    }
  };
  for (const node of graph.keys()) if (!indexOf.has(node)) visit(node);
  // Within a component, the shortest way back to its first file is a cycle to name.
  return components.map((component) => {
    const members = new Set(component);
    const start = [...component].sort()[0]!;
    const previous = new Map<string, string>();
    const queue = [start];
    for (let i = 0; i < queue.length; i++) {
      for (const next of graph.get(queue[i]!) ?? []) {
        if (!members.has(next)) continue;
        if (next === start) {
          const cycle = [start];
          for (let at = queue[i]!; at !== start; at = previous.get(at)!) cycle.splice(1, 0, at);
          return [...cycle, start];
        }
        if (!previous.has(next)) {
          previous.set(next, queue[i]!);
          queue.push(next);
        }
      }
    }
    return [start, start];
  });
}

const describeCycles = (cycles: string[][]) => cycles.map((cycle) => cycle.join(' → ')).join('\n');

describe('import circles', () => {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'import-cycles-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('finds a 2-file circle through a type-only import and names it', () => {
    const dir = path.join(scratch, 'cli');
    mkdirSync(dir);
    writeFileSync(
      path.join(dir, 'commands.ts'),
      "import { profile } from './profile-commands';\nexport type Planned = () => void;\nexport const all = [profile];\n",
    );
    writeFileSync(
      path.join(dir, 'profile-commands.ts'),
      "import type { Planned } from './commands';\nexport const profile: Planned = () => undefined;\n",
    );
    writeFileSync(path.join(dir, 'args.ts'), "export * from './commands';\n");
    writeFileSync(path.join(dir, 'args.test.ts'), "import './args';\n");
    const cycles = findCycles(importGraph(scratch, ['cli']));
    expect(describeCycles(cycles)).toBe('cli/commands.ts → cli/profile-commands.ts → cli/commands.ts');
  });

  it('finds none once the shared type has a module of its own', () => {
    const dir = path.join(scratch, 'cli');
    writeFileSync(path.join(dir, 'planned.ts'), 'export type Planned = () => void;\n');
    writeFileSync(
      path.join(dir, 'commands.ts'),
      "import { profile } from './profile-commands';\nexport const all = [profile];\n",
    );
    writeFileSync(
      path.join(dir, 'profile-commands.ts'),
      "import type { Planned } from './planned';\nexport const profile: Planned = () => undefined;\n",
    );
    const graph = importGraph(scratch, ['cli']);
    expect(graph.get(path.join('cli', 'profile-commands.ts'))).toEqual([path.join('cli', 'planned.ts')]);
    expect(findCycles(graph)).toEqual([]);
  });

  it('production code has none', () => {
    const graph = importGraph(root);
    // The scan saw the code: hundreds of files, and the edges it must have read.
    expect(graph.size).toBeGreaterThan(300);
    expect(graph.get(path.join('cli', 'main.ts'))).toContain(path.join('cli', 'connection.ts'));
    expect(describeCycles(findCycles(graph))).toBe('');
  });
});
