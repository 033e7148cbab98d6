import { describe, expect, it } from 'vitest';
import { parseLogLine } from './parse-log-line';

describe('parseLogLine', () => {
  it("takes a zap line's level and time from the line itself, the rest as fields", () => {
    const line = parseLogLine(
      'relay',
      'stderr',
      '{"level":"error","ts":1733054400.5,"logger":"relay","msg":"relay failed","error":"bind: address in use"}',
      1,
    );
    expect(line).toEqual({
      at: 1733054400500,
      source: 'relay',
      stream: 'stderr',
      level: 'error',
      message: 'relay failed',
      fields: { logger: 'relay', error: 'bind: address in use' },
    });
  });

  it('keeps JSON that is not a log record, and plain text, verbatim (stderr reads as warn)', () => {
    const listening = '{"event":"listening","apiPort":8080,"healthPort":8081}';
    expect(parseLogLine('relay', 'stdout', listening, 5)).toEqual({
      at: 5,
      source: 'relay',
      stream: 'stdout',
      level: 'info',
      message: listening,
    });
    expect(parseLogLine('relay', 'stderr', 'panic: runtime error', 5)).toMatchObject({
      level: 'warn',
      message: 'panic: runtime error',
    });
    expect(parseLogLine('relay', 'stderr', '{"msg": truncated', 5).message).toBe('{"msg": truncated');
  });

  it('uses the arrival time when the record carries none', () => {
    expect(parseLogLine('relay', 'stderr', '{"level":"WARN","msg":"no time"}', 42)).toMatchObject({
      at: 42,
      level: 'warn',
    });
  });
});
