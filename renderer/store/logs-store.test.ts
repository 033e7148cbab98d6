import { describe, expect, it } from 'vitest';
import type { LogLine } from '../../shared/logs';
import { appendByTime, filterLines, mergeByTime } from './logs-store';

const line = (at: number, message: string, level: LogLine['level'] = 'info', source = 'relay'): LogLine => ({
  at,
  source,
  stream: 'stderr',
  level,
  message,
});
const key = (l: LogLine) => `${l.at}|${l.message}`;

describe('merging the tail with live lines', () => {
  it('dedupes, orders by time and keeps the newest', () => {
    const live = [line(3, 'c'), line(4, 'd')];
    const tail = [line(1, 'a'), line(2, 'b'), line(3, 'c')];
    expect(mergeByTime(live, tail, key, 3).map((l) => l.message)).toEqual(['b', 'c', 'd']);
  });
  it('appends a live line within the bound', () => {
    let lines: LogLine[] = [];
    for (let i = 0; i < 10; i++) lines = appendByTime(lines, line(i, `m${i}`), key, 4);
    expect(lines.map((l) => l.at)).toEqual([6, 7, 8, 9]);
    expect(appendByTime(lines, line(5, 'late'), key, 4).map((l) => l.at)).toEqual([6, 7, 8, 9]);
    expect(appendByTime(lines, line(7, 'late'), key, 5).map((l) => l.at)).toEqual([6, 7, 7, 8, 9]);
  });
});

describe('filterLines', () => {
  const lines = [
    line(1, 'peer ready', 'info'),
    line(2, 'slow block', 'warn'),
    line(3, 'crashed', 'error', 'demo-peer'),
    { ...line(4, 'block relayed', 'debug'), fields: { height: 871204 } },
  ];
  it('filters by minimum level, source and text in message or fields', () => {
    expect(filterLines(lines, { minLevel: 'warn', sources: [], query: '' }).map((l) => l.at)).toEqual([2, 3]);
    expect(filterLines(lines, { minLevel: 'debug', sources: ['relay'], query: '' })).toHaveLength(3);
    expect(filterLines(lines, { minLevel: 'debug', sources: [], query: '871204' }).map((l) => l.at)).toEqual([
      4,
    ]);
    expect(filterLines(lines, { minLevel: 'debug', sources: [], query: 'BLOCK' })).toHaveLength(2);
  });
});
