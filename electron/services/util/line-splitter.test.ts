import { describe, expect, it } from 'vitest';
import { LineSplitter } from './line-splitter';

function split(chunks: Buffer[], maxLineLength?: number): string[] {
  const lines: string[] = [];
  const splitter = new LineSplitter((line) => lines.push(line), maxLineLength);
  for (const chunk of chunks) splitter.push(chunk);
  splitter.flush();
  return lines;
}

describe('LineSplitter', () => {
  // Two-, three- and four-byte characters, a combining sequence and an emoji with a skin tone.
  const text = '{"message":"héllo € 𝄞 ñ 👍🏽 日本語"}\nsecond — line\r\nthird ü';
  const bytes = Buffer.from(text, 'utf8');

  it('keeps every multi-byte character intact wherever the stream is cut (every byte offset)', () => {
    for (let offset = 1; offset < bytes.length; offset++) {
      const lines = split([bytes.subarray(0, offset), bytes.subarray(offset)]);
      expect(lines, `cut at byte ${offset}`).toEqual([
        '{"message":"héllo € 𝄞 ñ 👍🏽 日本語"}',
        'second — line',
        'third ü',
      ]);
    }
  });

  it('survives a stream delivered one byte at a time', () => {
    const chunks = [...bytes].map((byte) => Buffer.from([byte]));
    expect(split(chunks)).toEqual(text.split(/\r?\n/));
  });

  it('turns a character cut off by the end of the stream into one replacement character', () => {
    const euro = Buffer.from('€', 'utf8');
    expect(split([Buffer.from('price '), euro.subarray(0, 2)])).toEqual(['price \uFFFD']);
  });

  it('bounds a runaway line', () => {
    const lines = split([Buffer.from('x'.repeat(100) + '\nok\n')], 10);
    expect(lines[0]).toBe('x'.repeat(10) + ' …(truncated)');
    expect(lines.at(-1)).toBe('ok');
  });
});
