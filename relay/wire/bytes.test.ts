import { describe, expect, it } from 'vitest';
import { Reader, encodeVarint } from './bytes';
import { codeOf } from '../test-support/protocol-error-code';

const read = (hex: string, max?: number): number => new Reader(Buffer.from(hex, 'hex')).varint(max);

describe('CompactSize varint', () => {
  const cases: Array<[number, string]> = [
    [0, '00'],
    [0xfc, 'fc'],
    [0xfd, 'fdfd00'],
    [0xffff, 'fdffff'],
    [0x10000, 'fe00000100'],
    [0xffffffff, 'feffffffff'],
    [0x100000000, 'ff0000000001000000'],
  ];

  it.each(cases)('encodes and decodes %i at the size boundaries', (n, hex) => {
    expect(encodeVarint(n).toString('hex')).toBe(hex);
    expect(read(hex)).toBe(n);
  });

  it('rejects non-canonical encodings as MALFORMED', () => {
    expect(codeOf(() => read('fdfc00'))).toBe('MALFORMED');
    expect(codeOf(() => read('feffff0000'))).toBe('MALFORMED');
    expect(codeOf(() => read('ffffffffff00000000'))).toBe('MALFORMED');
  });

  it('rejects values past the caller bound and past 2^53', () => {
    expect(codeOf(() => read('fd0010', 2000))).toBe('MALFORMED');
    expect(codeOf(() => read('ffffffffffffffffff'))).toBe('MALFORMED');
  });

  it('reports a cut-off varint as TRUNCATED', () => {
    expect(codeOf(() => read(''))).toBe('TRUNCATED');
    expect(codeOf(() => read('fd01'))).toBe('TRUNCATED');
    expect(codeOf(() => read('fe010000'))).toBe('TRUNCATED');
  });

  it('refuses to encode negatives and unsafe integers', () => {
    expect(() => encodeVarint(-1)).toThrow(RangeError);
    expect(() => encodeVarint(2 ** 60)).toThrow(RangeError);
  });
});

describe('Reader', () => {
  it('flags trailing bytes at end()', () => {
    const r = new Reader(Buffer.from('0102', 'hex'));
    r.u8();
    expect(codeOf(() => r.end())).toBe('MALFORMED');
    r.u8();
    expect(() => r.end()).not.toThrow();
  });
});
