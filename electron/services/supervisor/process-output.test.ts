import { describe, expect, it } from 'vitest';
import { parseLogLine } from './parse-log-line';
import { logLineText, ProcessOutput } from './process-output';

const stderr = (text: string) => parseLogLine('relay', 'stderr', text);

describe('logLineText', () => {
  it('says a contract JSON line as text: message, the error, then plain fields', () => {
    const line = stderr(
      '{"level":"error","timestamp":"2026-01-01T00:00:00Z","message":"invalid configuration","variable":"LOG_LEVEL","error":"LOG_LEVEL: invalid value \\"verbose\\""}',
    );
    expect(logLineText(line)).toBe('invalid configuration: LOG_LEVEL: invalid value "verbose"');
    expect(
      logLineText(
        stderr('{"level":"warn","message":"peer slow","peer":"10.0.0.1:8333","ms":812,"nested":{"a":1}}'),
      ),
    ).toBe('peer slow (peer=10.0.0.1:8333, ms=812)');
    expect(logLineText(stderr('plain text from a binary'))).toBe('plain text from a binary');
  });

  it('bounds a long line', () => {
    expect(logLineText(stderr('x'.repeat(5000))).length).toBeLessThanOrEqual(1001);
  });
});

describe('ProcessOutput', () => {
  it('keeps stderr only, and the last error line is the reason over later noise', () => {
    const output = new ProcessOutput();
    output.record(parseLogLine('relay', 'stdout', '{"event":"listening"}'));
    output.record(stderr('{"level":"error","message":"cannot bind","error":"EADDRINUSE"}'));
    output.record(stderr('{"level":"info","message":"shutting down"}'));
    expect(output.last(5)).toEqual(['cannot bind: EADDRINUSE', 'shutting down']);
    expect(output.reason()).toBe('cannot bind: EADDRINUSE');
  });

  it('without an error line the reason is the last stderr line; silent means none', () => {
    const output = new ProcessOutput();
    expect(output.reason()).toBeNull();
    output.record(stderr('segfault at 0'));
    expect(output.reason()).toBe('segfault at 0');
  });
});
