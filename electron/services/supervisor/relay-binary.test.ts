import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { externalPathProblem } from './relay-binary';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'relay-binary-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('externalPathProblem (checked when the path is saved)', () => {
  it('refuses a folder, naming what to give instead', () => {
    expect(externalPathProblem(dir)).toBe(
      `${dir} is a folder. Give the relay program inside it, e.g. ${dir}/sprint.`,
    );
  });

  it('refuses a missing path', () => {
    expect(externalPathProblem(path.join(dir, 'nope'))).toMatch(
      /^Nothing exists at .*nope\. Give the full path/,
    );
  });

  it.runIf(process.platform !== 'win32')('refuses a file without execute permission', () => {
    const file = path.join(dir, 'sprint');
    writeFileSync(file, '#!/bin/sh\n');
    chmodSync(file, 0o644);
    expect(externalPathProblem(file)).toBe(
      `${file} is not executable. Make it executable (chmod +x ${file}) or choose another file.`,
    );
  });

  it('accepts an executable file', () => {
    const file = path.join(dir, 'sprint');
    writeFileSync(file, '#!/bin/sh\n');
    chmodSync(file, 0o755);
    expect(externalPathProblem(file)).toBeNull();
  });
});
