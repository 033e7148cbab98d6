import { describe, expect, it } from 'vitest';
import { parse } from './args';
import { planCommand } from './commands';
import { CliError } from './exit-codes';

const usageError = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    if (error instanceof CliError) return error.message;
    throw error;
  }
  throw new Error('no usage error');
};

describe('sprint-control tune', () => {
  it('checks its options before connecting', () => {
    expect(usageError(() => planCommand(parse(['tune', '--budget', '10'])))).toMatch(/--budget/);
    expect(usageError(() => planCommand(parse(['tune', '--budget', 'long'])))).toMatch(/whole number/);
    expect(usageError(() => planCommand(parse(['tune', '--tier', 'platinum'])))).toMatch(/tier/);
    expect(usageError(() => planCommand(parse(['tune', 'now'])))).toMatch(/options only/);
    expect(
      typeof planCommand(parse(['tune', '--tier', 'turbo', '--budget', '120', '--contention', '--apply'])),
    ).toBe('function');
  });
});
