import { parseArgs } from 'node:util';
import { REPORT_FORMATS } from '../shared/report';
import { tierNamesText } from '../shared/tiers';
import { CliError, EXIT } from './exit-codes';

export const USAGE = `Usage: sprint-control <command> [options]

Commands:
  status                                   relay state, tier and active profile
  tier set <tier>                          ${tierNamesText()}
  relay start|stop|restart
  sla-test [--tiers free,enterprise] [--probes 3000] [--rate 100] [--contention]
  tune [--tier enterprise] [--budget 180] [--rate 200] [--contention] [--apply]
                                           find the launch plan that meets the tier's SLA best here
  report export --format ${REPORT_FORMATS.join('|')} --period 1h|24h|7d|FROM..TO [--tier T] -o FILE
  profile import FILE                      a seed config file (applied) or a named profile file (saved)
  profile export [--name NAME] [-o FILE]   the config in effect, or a saved profile
  profile list
  profile apply NAME

Options:
  --json                 print the result as JSON on stdout
  --url URL              the panel to talk to (default: the token file of a running headless panel)
  --token-file FILE      a file (mode 0600) holding that panel's token; or set SPRINT_CONTROL_TOKEN
                         (--token T still works, but shows the token to every user in ps)
  --data-dir DIR         where to look for a running panel's token file (default: its data folder)
  --timeout SECONDS      deadline for connecting and for each call (default 30; an SLA test adds
                         its planned run time)
  -h, --help

Exit codes: 0 ok, 1 command failed, 2 usage error, 3 cannot connect or unauthorised,
            4 sla-test: a tier failed its SLA, 130 interrupted.`;

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
