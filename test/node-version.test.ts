import { describe, expect, it } from 'vitest';

describe('test runtime', () => {
  it('runs on the Node 24 devDependency, the line Electron ships, with node:sqlite', async () => {
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(24);
    const sqlite = await import('node:sqlite');
    expect(typeof sqlite.DatabaseSync).toBe('function');
  });
});
