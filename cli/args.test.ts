import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ReportFormat } from '../shared/report';
import { TIER_NAMES } from '../shared/tiers';
import { parse, parsePeriod } from './args';
import { COMMAND_TABLE, planCommand, usageText } from './commands';
import { CliError, EXIT, type ExitCode } from './exit-codes';
import { createOutput } from './output';

const usageError = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(EXIT.usage);
    return (error as CliError).message;
  }
  throw new Error('expected a usage error');
};

describe('command line', () => {
  it('reads relative and absolute periods, and refuses the rest', () => {
    const now = Date.parse('2026-12-01T12:00:00Z');
    expect(parsePeriod('24h', now)).toEqual({ from: now - 86_400_000, to: now });
    expect(parsePeriod('15m', now)).toEqual({ from: now - 900_000, to: now });
    expect(parsePeriod('2026-11-01..2026-11-02', now)).toEqual({
      from: Date.parse('2026-11-01'),
      to: Date.parse('2026-11-02'),
    });
    expect(parsePeriod('2026-11-30T00:00:00Z..now', now).to).toBe(now);
    for (const bad of ['yesterday', '24', '1y', '2026-11-02..2026-11-01', 'a..b..c'])
      expect(
        usageError(() => parsePeriod(bad, now)),
        bad,
      ).toMatch(/--period/);
  });

  it('checks arguments before connecting: tiers, profile names, numbers, unknown options', () => {
    expect(usageError(() => planCommand(parse(['tier', 'set', 'gold'])))).toMatch(/Unknown tier "gold"/);
    expect(usageError(() => planCommand(parse(['tier', 'get'])))).toMatch(/tier set <tier>/);
    expect(usageError(() => planCommand(parse(['relay', 'pause'])))).toMatch(/start\|stop\|restart/);
    expect(usageError(() => planCommand(parse(['sla-test', '--probes', 'many'])))).toMatch(/whole number/);
    expect(usageError(() => planCommand(parse(['sla-test', '--tiers', 'free,free'])))).toMatch(
      /at most once/,
    );
    expect(usageError(() => planCommand(parse(['profile', 'apply', 'x'.repeat(65)])))).toMatch(/64/);
    expect(usageError(() => planCommand(parse(['profile'])))).toMatch(/import\|export\|list\|apply/);
    expect(usageError(() => parse(['status', '--verbose']))).toMatch(/verbose/);
    expect(typeof planCommand(parse(['sla-test', '--tiers', 'free,enterprise', '--probes', '100']))).toBe(
      'function',
    );
  });
});

describe('progress output', () => {
  const capture = (isTTY: boolean) => {
    const stream = new PassThrough() as PassThrough & { isTTY?: boolean };
    stream.isTTY = isTTY;
    let text = '';
    stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
    return { stream, text: () => text };
  };

  it('draws one bar in place on a terminal', () => {
    const err = capture(true);
    const out = createOutput(false, capture(false).stream as never, err.stream as never);
    out.progress('probing', 50, 100);
    out.progress('probing', 100, 100);
    out.endProgress();
    expect(err.text()).toContain('\r\x1b[2Kprobing ███████████████░░░░░░░░░░░░░░░ 50% (50/100)');
    expect(err.text().endsWith('100% (100/100)\n')).toBe(true);
  });

  it('writes plain lines, one per tenth, when stderr is not a terminal', () => {
    const err = capture(false);
    const out = createOutput(false, capture(false).stream as never, err.stream as never);
    for (let done = 0; done <= 100; done += 5) out.progress('probing', done, 100);
    const lines = err.text().trimEnd().split('\n');
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe('probing 0%');
    expect(lines.at(-1)).toBe('probing 100%');
    expect(err.text()).not.toContain('\r');
  });

  it('refuses, before connecting, what the command table does not give a command', () => {
    expect(usageError(() => planCommand(parse(['status', '--probes', '3'])))).toMatch(
      /^--probes does not apply to status\./,
    );
    expect(usageError(() => planCommand(parse(['tune', '--format', 'csv'])))).toMatch(
      /--format does not apply to tune; it takes --tier, --budget, --rate, --contention, --apply/,
    );
    expect(
      usageError(() => planCommand(parse(['report', 'export', '--format', 'csv', '--period', '1h']))),
    ).toContain(`-o is required: report export --format ${ReportFormat.options.join('|')} --period `);
    expect(usageError(() => planCommand(parse(['status', 'now'])))).toMatch(/status takes no arguments/);
    expect(usageError(() => planCommand(parse(['sla-test', 'free'])))).toMatch(/sla-test takes options only/);
    expect(usageError(() => planCommand(parse(['toString'])))).toMatch(/Unknown command "toString"/);
    // Options every command takes are never refused.
    expect(typeof planCommand(parse(['status', '--json', '--timeout', '5']))).toBe('function');
  });

  it('a new command is one table entry: usage lists it, planCommand runs it, its options are checked', async () => {
    const table = COMMAND_TABLE as Record<string, (typeof COMMAND_TABLE)[string]>;
    let ran = '';
    table.ping = {
      synopsis: [
        { words: 'ping', options: ['rate'], required: ['rate'], summary: 'asks the panel for nothing' },
      ],
      words: false,
      plan: (_words, values) => async () => {
        ran = values.rate ?? '';
        return EXIT.ok as ExitCode;
      },
    };
    try {
      expect(usageText()).toMatch(/^ {2}ping --rate 100 +asks the panel for nothing$/m);
      expect(usageError(() => planCommand(parse(['ping'])))).toMatch(/--rate is required/);
      expect(usageError(() => planCommand(parse(['ping', '--rate', '5', '--apply'])))).toMatch(
        /--apply does not apply to ping/,
      );
      const planned = planCommand(parse(['ping', '--rate', '5']));
      await planned({} as Parameters<typeof planned>[0]);
      expect(ran).toBe('5');
    } finally {
      delete table.ping;
    }
    expect(usageText()).not.toContain('ping');
  });

  it('the usage text names every tier and report format from their own tables', () => {
    const text = usageText();
    const tierLine = text.split('\n').find((line) => line.startsWith('  tier set <tier>')) ?? '';
    expect(tierLine).toMatch(new RegExp(`${TIER_NAMES.slice(0, -1).join(', ')} or ${TIER_NAMES.at(-1)}$`));
    expect(text).toContain(`--format ${ReportFormat.options.join('|')}`);
    for (const name of Object.keys(COMMAND_TABLE)) expect(text).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
  });
});
