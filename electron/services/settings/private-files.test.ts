import { chmodSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../history/db';
import { dataDirProblem, ensurePrivateDir } from './private-files';

const root = () => mkdtempSync(path.join(os.tmpdir(), 'sprint-private-'));
const mode = (file: string) => statSync(file).mode & 0o7777;

describe('the data folder', () => {
  it('is created 0700, and one an older version left 0755 is tightened', () => {
    const created = path.join(root(), 'new', 'Sprint Control');
    ensurePrivateDir(created);
    expect(mode(created)).toBe(0o700);
    const older = path.join(root(), 'older');
    mkdirSync(older);
    chmodSync(older, 0o755);
    ensurePrivateDir(older);
    expect(mode(older)).toBe(0o700);
  });

  it('a shared sticky folder the user pointed at (like /tmp) is left alone', () => {
    const shared = path.join(root(), 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    ensurePrivateDir(shared);
    expect(mode(shared)).toBe(0o1777);
  });

  it('names a path that cannot be the data folder', () => {
    const dir = root();
    const file = path.join(dir, 'file');
    writeFileSync(file, '');
    expect(dataDirProblem(file)).toBe(`${file} is a file, not a folder`);
    expect(dataDirProblem(path.join(file, 'below'))).toBe(
      `${path.join(file, 'below')} runs through a file, not a folder`,
    );
    expect(dataDirProblem(path.join(dir, 'missing'))).toBeNull();
    expect(dataDirProblem(dir)).toBeNull();
  });

  it('the history database and its WAL are created 0600 whatever the umask', () => {
    const file = path.join(root(), 'history.sqlite');
    const previous = process.umask(0o022);
    try {
      const db = openDatabase(file);
      db.exec('CREATE TABLE IF NOT EXISTS t (x)');
      db.exec('INSERT INTO t VALUES (1)');
      expect(mode(file)).toBe(0o600);
      expect(mode(`${file}-wal`)).toBe(0o600);
      db.close();
    } finally {
      process.umask(previous);
    }
  });
});
