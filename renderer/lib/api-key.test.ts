import { describe, expect, it } from 'vitest';
import { Settings } from '../../shared/settings';
import { generateApiKey, maskApiKey } from './api-key';

describe('API keys', () => {
  it('are 32 random bytes as 64 hex characters that settings accept', () => {
    const key = generateApiKey();
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(generateApiKey()).not.toBe(key);
    expect(Settings.safeParse({ apiKey: key }).success).toBe(true);
  });
  it('encode every byte with two digits', () => {
    expect(generateApiKey((bytes) => bytes.fill(10))).toBe('0a'.repeat(32));
  });
  it('mask all but the ends', () => {
    expect(maskApiKey('0123456789abcdef')).toBe('0123••••••••••••cdef');
    expect(maskApiKey('abc')).toBe('•••');
  });
});
