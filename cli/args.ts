import { parseArgs } from 'node:util';
import { CliError, EXIT } from './exit-codes';

export const OPTIONS = {
  json: { type: 'boolean', default: false },
  url: { type: 'string' },
  token: { type: 'string' },
  'token-file': { type: 'string' },
  timeout: { type: 'string' },
  'data-dir': { type: 'string' },
  tiers: { type: 'string' },
  probes: { type: 'string' },
  rate: { type: 'string' },
  contention: { type: 'boolean', default: false },
  budget: { type: 'string' },
  apply: { type: 'boolean', default: false },
  format: { type: 'string' },
  period: { type: 'string' },
  tier: { type: 'string' },
  output: { type: 'string', short: 'o' },
  name: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;
export type OptionName = keyof typeof OPTIONS;

/**
 * How each option reads in the usage text: `value`, the placeholder after it; `help`, for the
 * options every command takes (`global`), shown under "Options:". A command's own options are
 * listed in its line of the command table (commands.ts), which also refuses them elsewhere.
 */
export const OPTION_TEXT: Record<OptionName, { value?: string; global?: true; help?: string }> = {
  json: { global: true, help: 'print the result as JSON on stdout' },
  url: {
    value: 'URL',
    global: true,
    help: 'the panel to talk to (default: the token file of a running headless panel)',
  },
  'token-file': {
    value: 'FILE',
    global: true,
    help: "a file (mode 0600) holding that panel's token; or set SPRINT_CONTROL_TOKEN\n(--token T still works, but shows the token to every user in ps)",
  },
  token: { value: 'T', global: true },
  'data-dir': {
    value: 'DIR',
    global: true,
    help: "where to look for a running panel's token file (default: its data folder)",
  },
  timeout: {
    value: 'SECONDS',
    global: true,
    help: 'deadline for connecting and for each call (default 30; an SLA test adds\nits planned run time)',
  },
  help: { global: true, help: 'this text' },
  tiers: { value: 'free,enterprise' },
  probes: { value: '3000' },
  rate: { value: '100' },
  contention: {},
  budget: { value: '180' },
  apply: {},
  format: { value: 'FORMAT' },
  period: { value: '1h|24h|7d|FROM..TO' },
  tier: { value: 'T' },
  output: { value: 'FILE' },
  name: { value: 'NAME' },
};

export const GLOBAL_OPTIONS = (Object.keys(OPTION_TEXT) as OptionName[]).filter((o) => OPTION_TEXT[o].global);

/** `--name VALUE` as usage shows it: `-o FILE` for a value option with a short form, `-h, --help`. */
export function optionWords(name: OptionName): string {
  const short = (OPTIONS[name] as { short?: string }).short;
  const value = OPTION_TEXT[name].value;
  if (!value) return short ? `-${short}, --${name}` : `--${name}`;
  return `${short ? `-${short}` : `--${name}`} ${value}`;
}

export type Parsed = ReturnType<typeof parse>;

export function parse(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError(EXIT.usage, error instanceof Error ? error.message : String(error));
  }
}

export const usage = (message: string) =>
  new CliError(EXIT.usage, `${message}\nRun sprint-control --help for usage.`);

/** A whole number option, or its default when absent. */
export function intOption(value: string | undefined, name: string, fallback?: number): number | undefined {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw usage(`--${name} must be a whole number, got "${value}".`);
  return Number(value);
}

const UNITS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "24h" (the last 24 hours), or "FROM..TO" with dates or ISO times; returns [from, to) in ms. */
export function parsePeriod(text: string, now = Date.now()): { from: number; to: number } {
  const relative = /^(\d+)([mhd])$/.exec(text);
  if (relative) return { from: now - Number(relative[1]) * UNITS[relative[2]!]!, to: now };
  const [fromText, toText, ...rest] = text.split('..');
  const from = Date.parse(fromText ?? '');
  const to = toText === '' || toText === 'now' ? now : Date.parse(toText ?? '');
  if (rest.length > 0 || Number.isNaN(from) || Number.isNaN(to))
    throw usage(`--period must be like 1h, 24h, 7d or 2026-11-01..2026-11-02, got "${text}".`);
  if (from >= to) throw usage(`--period starts at or after its end: "${text}".`);
  return { from, to };
}
