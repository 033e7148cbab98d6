import { describe, expect, it } from 'vitest';
import { normalizeLevel, parseLogRecord } from './logs';

// Lines as each library writes them (shapes from zap's production encoder, log/slog's JSONHandler,
// logrus's JSONFormatter and our relay/util/log.ts), not produced by the code under test.
const zap =
  '{"level":"warn","ts":1733054400.123456,"caller":"relay/main.go:42","msg":"upstream peer disconnected","peer":"127.0.0.1:18444"}';
const slog =
  '{"time":"2024-12-01T12:00:00.5+01:00","level":"WARN","msg":"rate limit exceeded","key":"user","retryAfter":1}';
const logrus =
  '{"level":"warning","msg":"slow client dropped","time":"2024-12-01T11:00:00Z","transport":"ws"}';
const ours =
  '{"level":"info","timestamp":"2024-12-01T11:00:00.250Z","message":"relay listening","apiPort":8080}';

describe('parseLogRecord', () => {
  it('reads zap: msg, ts in epoch seconds with microseconds, caller kept as a field', () => {
    const r = parseLogRecord(JSON.parse(zap));
    expect(r).toEqual({
      level: 'warn',
      message: 'upstream peer disconnected',
      at: 1733054400123.456,
      fields: { caller: 'relay/main.go:42', peer: '127.0.0.1:18444' },
    });
  });

  it('reads slog: upper-case level, RFC 3339 time with an offset', () => {
    const r = parseLogRecord(JSON.parse(slog));
    expect(r?.level).toBe('warn');
    expect(r?.message).toBe('rate limit exceeded');
    expect(r?.at).toBe(Date.UTC(2024, 11, 1, 11, 0, 0, 500));
    expect(r?.fields).toEqual({ key: 'user', retryAfter: 1 });
  });

  it('reads logrus: "warning" is warn, time in RFC 3339', () => {
    const r = parseLogRecord(JSON.parse(logrus));
    expect(r).toMatchObject({ level: 'warn', message: 'slow client dropped', at: Date.UTC(2024, 11, 1, 11) });
    expect(r?.fields).toEqual({ transport: 'ws' });
  });

  it('reads our own format: message and an ISO timestamp', () => {
    const r = parseLogRecord(JSON.parse(ours));
    expect(r).toEqual({
      level: 'info',
      message: 'relay listening',
      at: Date.UTC(2024, 11, 1, 11, 0, 0, 250),
      fields: { apiPort: 8080 },
    });
  });

  it("tells zap's other epoch encoders apart by magnitude (millis, nanos)", () => {
    expect(parseLogRecord({ msg: 'm', ts: 1733054400123 })?.at).toBe(1733054400123);
    expect(parseLogRecord({ msg: 'm', ts: 1733054400123456000 })?.at).toBeCloseTo(1733054400123.456, 2);
  });

  it('is not a record without a string message, or when it is not an object', () => {
    expect(parseLogRecord({ event: 'listening', apiPort: 1 })).toBeNull();
    expect(parseLogRecord({ msg: 42 })).toBeNull();
    expect(parseLogRecord([1, 2])).toBeNull();
    expect(parseLogRecord('text')).toBeNull();
  });

  it('keeps an unknown level as a field and reads the line as info; no time gives null', () => {
    const r = parseLogRecord({ level: 'loud', msg: 'm' });
    expect(r).toEqual({ level: 'info', message: 'm', at: null, fields: { level: 'loud' } });
  });
});

describe('normalizeLevel', () => {
  it.each([
    ['INFO', 'info'],
    ['Info', 'info'],
    ['DEBUG', 'debug'],
    ['trace', 'debug'],
    ['WARN', 'warn'],
    ['warning', 'warn'],
    ['WARNING', 'warn'],
    ['ERROR', 'error'],
    ['dpanic', 'error'],
    ['DPANIC', 'error'],
    ['panic', 'fatal'],
    ['FATAL', 'fatal'],
    ['INFO+2', 'info'],
    ['DEBUG-4', 'debug'],
  ])('%s -> %s', (raw, level) => {
    expect(normalizeLevel(raw)).toBe(level);
  });

  it("reads pino's numeric levels", () => {
    expect([10, 20, 30, 40, 50, 60].map(normalizeLevel)).toEqual([
      'debug',
      'debug',
      'info',
      'warn',
      'error',
      'fatal',
    ]);
    expect(parseLogRecord({ level: 50, time: 1733054400123, msg: 'boom' })).toMatchObject({
      level: 'error',
      at: 1733054400123,
      fields: {},
    });
  });

  it('is null for anything that is not a level name', () => {
    expect(normalizeLevel('verbose')).toBeNull();
    expect(normalizeLevel(35)).toBeNull();
    expect(normalizeLevel(70)).toBeNull();
    expect(normalizeLevel(undefined)).toBeNull();
  });
});
