import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config';

const base = { API_KEYS: 'panel-key,user-key' };

function variableOf(env: Record<string, string>): string | undefined {
  try {
    parseConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.variable;
    throw err;
  }
  return undefined;
}

describe('relay environment', () => {
  it('applies the contract defaults', () => {
    const c = parseConfig(base);
    expect(c).toMatchObject({
      apiHost: '127.0.0.1',
      apiPort: 8080,
      healthPort: 8081,
      network: 'regtest',
      nodes: [{ host: '127.0.0.1', port: 18444 }],
      apiKeys: ['panel-key', 'user-key'],
      gcPercent: null,
      highPriority: false,
      parentWatch: false,
    });
    expect(c.tier.name).toBe('free');
  });

  it('DATA_DIR: unset keeps headers in memory, an absolute folder is taken, a relative one is refused', () => {
    expect(parseConfig(base).dataDir).toBeNull();
    expect(parseConfig({ ...base, DATA_DIR: '/var/lib/sprint/relay' }).dataDir).toBe('/var/lib/sprint/relay');
    expect(variableOf({ ...base, DATA_DIR: 'relative/dir' })).toBe('DATA_DIR');
  });

  it('takes knob defaults from the tier and lets explicit values override them', () => {
    const turbo = parseConfig({ ...base, TIER: 'turbo' });
    expect(turbo).toMatchObject({
      gcPercent: 25,
      highPriority: true,
      lockOsThread: true,
      preallocBuffers: true,
    });
    const overridden = parseConfig({
      ...base,
      TIER: 'turbo',
      GC_PERCENT: 'off',
      HIGH_PRIORITY: '0',
      PREALLOC_BUFFERS: 'false',
    });
    expect(overridden).toMatchObject({ gcPercent: 'off', highPriority: false, preallocBuffers: false });
    expect(parseConfig({ ...base, TIER: 'enterprise' }).gcPercent).toBe('off');
    expect(parseConfig({ ...base, TIER: 'pro', GC_PERCENT: '80' }).gcPercent).toBe(80);
  });

  it.each(['HIGH_PRIORITY', 'LOCK_OS_THREAD', 'PREALLOC_BUFFERS', 'OPTIMIZE_SYSTEM', 'SPRINT_PARENT_WATCH'])(
    'accepts exactly 1/true/0/false for %s and names it otherwise',
    (name) => {
      expect(parseConfig({ ...base, [name]: 'true' })).toBeTruthy();
      expect(parseConfig({ ...base, [name]: '0' })).toBeTruthy();
      for (const bad of ['yes', 'TRUE', '2', 'on']) expect(variableOf({ ...base, [name]: bad })).toBe(name);
    },
  );

  it('rejects an unknown tier, network, log format, port, GC setting and core count by name', () => {
    expect(variableOf({ ...base, TIER: 'platinum' })).toBe('TIER');
    expect(variableOf({ ...base, BITCOIN_NETWORK: 'testnet5' })).toBe('BITCOIN_NETWORK');
    expect(variableOf({ ...base, LOG_FORMAT: 'text' })).toBe('LOG_FORMAT');
    expect(variableOf({ ...base, API_PORT: '65535' })).toBe('API_PORT');
    expect(variableOf({ ...base, API_PORT: 'http' })).toBe('API_PORT');
    expect(variableOf({ ...base, GC_PERCENT: '-5' })).toBe('GC_PERCENT');
    expect(variableOf({ ...base, GC_PERCENT: 'auto' })).toBe('GC_PERCENT');
    expect(variableOf({ ...base, MAX_CPU_CORES: '0' })).toBe('MAX_CPU_CORES');
    expect(variableOf({})).toBe('API_KEYS');
    expect(variableOf({ API_KEYS: 'a,,b' })).toBe('API_KEYS');
  });

  it('parses several upstream nodes, filling in the network default port', () => {
    const c = parseConfig({
      ...base,
      BITCOIN_NETWORK: 'mainnet',
      BITCOIN_NODE: 'node-a:8334, 10.0.0.2,[::1]:9000,[fe80::1]',
    });
    expect(c.nodes).toEqual([
      { host: 'node-a', port: 8334 },
      { host: '10.0.0.2', port: 8333 },
      { host: '::1', port: 9000 },
      { host: 'fe80::1', port: 8333 },
    ]);
    expect(parseConfig({ ...base, BITCOIN_NETWORK: 'signet' }).nodes).toEqual([
      { host: '127.0.0.1', port: 38333 },
    ]);
    expect(variableOf({ ...base, BITCOIN_NODE: 'host:99999' })).toBe('BITCOIN_NODE');
    expect(variableOf({ ...base, BITCOIN_NODE: 'a:1,' })).toBe('BITCOIN_NODE');
  });

  it('binds the health server on API_PORT+1, or ephemeral with API_PORT=0', () => {
    expect(parseConfig({ ...base, API_PORT: '9000' })).toMatchObject({ apiPort: 9000, healthPort: 9001 });
    expect(parseConfig({ ...base, API_PORT: '0' })).toMatchObject({ apiPort: 0, healthPort: 0 });
  });
});
