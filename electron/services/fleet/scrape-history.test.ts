import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEEP_SPACING_MS, MAX_SNAPSHOTS, ScrapeHistory } from './scrape-history';
import { PLAIN_FILE_CODEC, SecretStore, type SecretCodec } from './secret-store';

const buckets = (within: number, total: number) => [
  { le: 0.005, count: within },
  { le: Infinity, count: total },
];

describe('ScrapeHistory', () => {
  it('computes window figures from the bucket deltas of scrapes inside the window', () => {
    const h = new ScrapeHistory();
    const t0 = 1_000_000_000;
    h.add(t0, buckets(10, 10)); // before a 5-minute window ending at t0 + 10 min: the baseline
    h.add(t0 + 6 * 60_000, buckets(10, 10));
    h.add(t0 + 10 * 60_000, buckets(15, 20));
    const f = h.figures('5m', 5, t0 + 10 * 60_000);
    expect(f.samples).toBe(10);
    expect(f.compliance).toBe(0.5);
    expect(f.p50Ms).toBeCloseTo(5, 9);
    expect(f.coveredSeconds).toBe(300);
    expect(h.figures('1h', 5, t0 + 10 * 60_000).samples).toBe(10);
  });

  it('says n = 0 and covers nothing with fewer than two scrapes', () => {
    const h = new ScrapeHistory();
    h.add(1, buckets(1, 1));
    expect(h.figures('1h', 5, 2)).toMatchObject({
      samples: 0,
      compliance: null,
      p50Ms: null,
      coveredSeconds: 0,
    });
  });

  it('keeps scrapes at least the spacing apart and never more than its capacity', () => {
    const h = new ScrapeHistory(10);
    for (let i = 0; i < 1000; i++) h.add(i * 1000, buckets(i, i));
    expect(h.size).toBe(10);
    const spaced = new ScrapeHistory();
    for (let i = 0; i <= 60; i++) spaced.add(i * 1000, buckets(i, i));
    // 0, 15, 30, 45, 60 s kept
    expect(spaced.size).toBe(60_000 / KEEP_SPACING_MS + 1);
  });
});

describe('ScrapeHistory over a day of 5 s scrapes', () => {
  it('keeps the whole day within its bound, so the 1d window is covered', () => {
    const h = new ScrapeHistory();
    const day = 86_400_000;
    for (let at = 0; at <= day + 60_000; at += 5000) h.add(at, buckets(at / 5000, at / 5000));
    expect(h.size).toBeLessThanOrEqual(MAX_SNAPSHOTS);
    const f = h.figures('1d', 5, day + 60_000);
    expect(f.coveredSeconds).toBe(86_400);
    expect(f.samples).toBeGreaterThanOrEqual(86_400 / 5);
    expect(f.compliance).toBe(1);
  });

  it('starts afresh when the relay at that URL answers with other bucket bounds', () => {
    const h = new ScrapeHistory();
    h.add(0, buckets(1, 1));
    h.add(20_000, [
      { le: 0.3, count: 5 },
      { le: Infinity, count: 5 },
    ]);
    expect(h.size).toBe(1);
  });
});

describe('SecretStore', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sprint-secrets-'));

  it('headless: a 0600 file that says it is not encrypted', () => {
    const file = path.join(dir, 'plain.json');
    new SecretStore(file, PLAIN_FILE_CODEC).set('abc', 'token-123456');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/NOT ENCRYPTED/);
    expect(new SecretStore(file, PLAIN_FILE_CODEC).get('abc')).toBe('token-123456');
  });

  it('with a codec: the token never appears in clear, and a store of the other kind is not misread', () => {
    const xor: SecretCodec = {
      description: 'test codec',
      encrypted: true,
      encrypt: (s) => Buffer.from(Buffer.from(s, 'utf8').map((c) => c ^ 0x5a)),
      decrypt: (b) => Buffer.from(b.map((c) => c ^ 0x5a)).toString('utf8'),
    };
    const file = path.join(dir, 'enc.json');
    const store = new SecretStore(file, xor);
    store.set('abc', 'secret-token-value');
    expect(readFileSync(file, 'utf8')).not.toContain('secret-token-value');
    expect(
      Buffer.from(readFileSync(file, 'utf8')).includes(
        Buffer.from(Buffer.from('secret-token-value').toString('base64')),
      ),
    ).toBe(false);
    expect(new SecretStore(file, xor).get('abc')).toBe('secret-token-value');
    expect(new SecretStore(file, PLAIN_FILE_CODEC).get('abc')).toBeNull();
    store.delete('abc');
    expect(new SecretStore(file, xor).get('abc')).toBeNull();
  });

  it('holds at most 64 tokens', () => {
    const store = new SecretStore(path.join(dir, 'many.json'), PLAIN_FILE_CODEC);
    for (let i = 0; i < 64; i++) store.set(`id${i}`, 'token-123456');
    expect(() => store.set('one-more', 'token-123456')).toThrow(/at most 64/);
  });
});
