import path from 'node:path';
import { ESLint } from 'eslint';
import { expect } from 'vitest';

/**
 * The repository's own eslint.config.js, for linting small sources at virtual paths: the fixtures
 * are files no tsconfig holds, so the rules that need type information are off.
 */
export const repoRoot = path.resolve(import.meta.dirname, '..', '..');

export function repoLinter(): ESLint {
  return new ESLint({
    cwd: repoRoot,
    overrideConfig: {
      languageOptions: { parserOptions: { projectService: false } },
      rules: {
        '@typescript-eslint/no-floating-promises': 'off',
        '@typescript-eslint/no-misused-promises': 'off',
      },
    },
  });
}

/** The no-restricted-imports messages for one import line placed at `file` (relative to the repository). */
export async function restrictedImports(
  eslint: ESLint,
  file: string,
  specifier: string,
  name = 'thing',
): Promise<string[]> {
  const source = `import { ${name} } from '${specifier}';\nexport const used = ${name};\n`;
  const [result] = await eslint.lintText(source, { filePath: path.join(repoRoot, file) });
  // A fixture that does not even parse would report nothing and pass the "allowed" cases.
  expect(result?.fatalErrorCount).toBe(0);
  return (result?.messages ?? [])
    .filter((message) => message.ruleId === 'no-restricted-imports')
    .map((message) => message.message);
}
