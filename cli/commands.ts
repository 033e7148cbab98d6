import path from 'node:path';
import { ReportFormat } from '../shared/report';
import { SlaTestRequest } from '../shared/sla-test';
import { TierName, TIER_NAMES, tierNamesText } from '../shared/tiers';
import { describeIssues } from '../shared/api';
import type { Planned } from './run-context';
import {
  GLOBAL_OPTIONS,
  intOption,
  OPTION_TEXT,
  optionWords,
  parsePeriod,
  usage,
  type OptionName,
  type Parsed,
} from './args';
import { CliError, EXIT, type ExitCode } from './exit-codes';
import { writeOutput } from './files';
import { profile } from './profile-commands';
import { downloadReport } from './download';
import { slaTestText, statusText } from './describe';
import { tune } from './tune-command';

export type { Planned, RunContext } from './run-context';

const done = async (): Promise<ExitCode> => EXIT.ok;

function tierArg(text: string | undefined): TierName {
  const tier = TierName.safeParse(text);
  if (!tier.success) throw usage(`Unknown tier "${text ?? ''}": use one of ${TIER_NAMES.join(', ')}.`);
  return tier.data;
}

function status(): Planned {
  return async ({ panel, out }) => {
    const [relay, profile] = await Promise.all([
      panel.call('relay.status', {}),
      panel.call('profile.state', {}),
    ]);
    out.result({ status: relay, tier: profile.tier, profile: profile.active }, () =>
      statusText(relay, profile),
    );
    return done();
  };
}

function tierSet(words: string[]): Planned {
  if (words[0] !== 'set' || words.length !== 2) throw usage('Usage: sprint-control tier set <tier>');
  const tier = tierArg(words[1]);
  return async ({ panel, out }) => {
    const change = await panel.call('tier.set', { tier });
    out.result(change, () =>
      change.durationMs === null
        ? `Tier ${change.from} → ${change.to} (the relay is not running: applies at next start).`
        : `Tier ${change.from} → ${change.to}, relay ready in ${Math.round(change.durationMs)} ms.`,
    );
    return done();
  };
}

function relay(words: string[]): Planned {
  const action = words[0];
  if ((action !== 'start' && action !== 'stop' && action !== 'restart') || words.length !== 1)
    throw usage('Usage: sprint-control relay start|stop|restart');
  return async ({ panel, out }) => {
    const result = await panel.call(`relay.${action}`, {});
    out.result(
      result,
      () => `Relay ${result.state}${result.pid ? ` (pid ${result.pid})` : ''}, tier ${result.tier}.`,
    );
    return done();
  };
}

function slaTest(values: Parsed['values']): Planned {
  const request = SlaTestRequest.safeParse({
    ...(values.tiers !== undefined && { tiers: values.tiers.split(',').map((t) => t.trim()) }),
    ...(values.probes !== undefined && { probesPerTier: intOption(values.probes, 'probes') }),
    ...(values.rate !== undefined && { rateHz: intOption(values.rate, 'rate') }),
    contention: values.contention,
  });
  if (!request.success)
    throw usage(`sla-test: ${describeIssues(request.error).replace('probesPerTier', '--probes')}`);
  return async ({ panel, out, signal }) => {
    const stop = panel.on('slaTest.progress', (p) => {
      const label = p.tier ? `${p.phase} ${p.tier} (${p.tierIndex + 1}/${p.tierCount})` : p.phase;
      out.progress(label.padEnd(28), p.done, p.total);
    });
    try {
      const planned = (request.data.tiers.length * request.data.probesPerTier * 1000) / request.data.rateHz;
      const result = await panel.call('slaTest.run', request.data, signal, 2 * planned + 60_000);
      out.endProgress();
      out.result(result, () => slaTestText(result));
      return result.tiers.some((t) => t.sla.verdict === 'below objective') ? EXIT.slaFailed : EXIT.ok;
    } finally {
      stop();
      out.endProgress();
    }
  };
}

function reportExport(words: string[], values: Parsed['values']): Planned {
  if (words[0] !== 'export' || words.length !== 1) throw usage('Usage: sprint-control report export …');
  const format = ReportFormat.safeParse(values.format);
  if (!format.success) throw usage(`--format must be one of ${ReportFormat.options.join(', ')}.`);
  const period = parsePeriod(values.period ?? '');
  const explicitTier = values.tier === undefined ? undefined : tierArg(values.tier);
  const file = path.resolve(values.output ?? '');
  return async ({ panel, out, target, signal }) => {
    const tier = explicitTier ?? (await panel.call('tier.get', {})).tier;
    const stop = panel.on('report.progress', (p) => out.progress('exporting', p.done, p.total));
    try {
      const { report, delivery } = await panel.call(
        'report.export',
        { ...period, tier, format: format.data },
        signal,
      );
      out.endProgress();
      if (delivery.kind !== 'download')
        throw new CliError(EXIT.failed, 'The panel did not offer the report for download.');
      const body = await downloadReport(target, delivery.url);
      writeOutput(file, body);
      out.result(
        { ...report, savedTo: file },
        () =>
          `Wrote ${file} (${body.length} bytes, ${report.summary.latency.n} samples, SLA ${report.summary.sla.verdict}).`,
      );
      return done();
    } finally {
      stop();
    }
  };
}

/** One line of the usage text: the words as typed, the options it takes, what it does. */
interface Synopsis {
  readonly words: string;
  /** In the order shown; the ones in `required` are shown without brackets and checked. */
  readonly options?: readonly OptionName[];
  readonly required?: readonly OptionName[];
  readonly summary?: string;
}

interface CommandEntry {
  readonly synopsis: readonly Synopsis[];
  /** Whether words follow the command (`tier set X`); if not, any given is refused. */
  readonly words: boolean;
  readonly plan: (words: string[], values: Parsed['values']) => Planned;
}

/**
 * Every command, once: planCommand runs it, the usage text lists it, and an option it does not
 * take, a missing required one or stray words are refused before connecting. A new command is one
 * entry here.
 */
export const COMMAND_TABLE: Readonly<Record<string, CommandEntry>> = {
  status: {
    synopsis: [{ words: 'status', summary: 'relay state, tier and active profile' }],
    words: false,
    plan: () => status(),
  },
  tier: {
    synopsis: [
      {
        words: 'tier set <tier>',
        summary: tierNamesText(),
      },
    ],
    words: true,
    plan: (words) => tierSet(words),
  },
  relay: { synopsis: [{ words: 'relay start|stop|restart' }], words: true, plan: (words) => relay(words) },
  'sla-test': {
    synopsis: [{ words: 'sla-test', options: ['tiers', 'probes', 'rate', 'contention'] }],
    words: false,
    plan: (_words, values) => slaTest(values),
  },
  tune: {
    synopsis: [
      {
        words: 'tune',
        options: ['tier', 'budget', 'rate', 'contention', 'apply'],
        summary: "find the launch plan that meets the tier's SLA best here",
      },
    ],
    words: false,
    plan: (_words, values) => tune(values),
  },
  report: {
    synopsis: [
      {
        words: 'report export',
        options: ['format', 'period', 'tier', 'output'],
        required: ['format', 'period', 'output'],
      },
    ],
    words: true,
    plan: (words, values) => reportExport(words, values),
  },
  profile: {
    synopsis: [
      {
        words: 'profile import FILE',
        summary: 'a seed config file (applied) or a named profile file (saved)',
      },
      {
        words: 'profile export',
        options: ['name', 'output'],
        summary: 'the config in effect, or a saved profile',
      },
      { words: 'profile list' },
      { words: 'profile apply NAME' },
    ],
    words: true,
    plan: (words, values) => profile(words, values),
  },
};

const FORMAT_WORDS = ReportFormat.options.join('|');

function synopsisText({ words, options = [], required = [] }: Synopsis): string {
  const shown = options.map((o) => {
    const text = o === 'format' ? `--format ${FORMAT_WORDS}` : optionWords(o);
    return required.includes(o) ? text : `[${text}]`;
  });
  return [words, ...shown].join(' ');
}

const COLUMN = 41;
const indent = (lines: string, by: number) => lines.split('\n').join(`\n${' '.repeat(by)}`);

/** The --help text, from the command and option tables. */
export function usageText(): string {
  const commands = Object.values(COMMAND_TABLE).flatMap((entry) =>
    entry.synopsis.map((line) => {
      const text = synopsisText(line);
      if (!line.summary) return `  ${text}`;
      return text.length < COLUMN - 1
        ? `  ${text.padEnd(COLUMN)}${line.summary}`
        : `  ${text}\n  ${' '.repeat(COLUMN)}${line.summary}`;
    }),
  );
  const options = GLOBAL_OPTIONS.filter((o) => OPTION_TEXT[o].help).map((o) => {
    const words = optionWords(o);
    return `  ${words.padEnd(22)} ${indent(OPTION_TEXT[o].help ?? '', 25)}`;
  });
  return [
    'Usage: sprint-control <command> [options]',
    '',
    'Commands:',
    ...commands,
    '',
    'Options:',
    ...options,
    '',
    'Exit codes: 0 ok, 1 command failed, 2 usage error, 3 cannot connect or unauthorised,',
    '            4 sla-test: a tier failed its SLA, 130 interrupted.',
  ].join('\n');
}

/** The options given on the command line (a boolean left at its default was not given). */
function givenOptions(values: Parsed['values']): OptionName[] {
  return (Object.keys(values) as OptionName[]).filter((o) => values[o] !== undefined && values[o] !== false);
}

/** The command line's words → a command ready to run, or a usage error. */
export function planCommand(parsed: Parsed): Planned {
  const [command, ...words] = parsed.positionals;
  const entry =
    command !== undefined && Object.hasOwn(COMMAND_TABLE, command) ? COMMAND_TABLE[command] : undefined;
  if (!entry || command === undefined)
    throw usage(command ? `Unknown command "${command}".` : 'No command given.');
  const takes = new Set(entry.synopsis.flatMap((line) => line.options ?? []));
  if (!entry.words && words.length > 0)
    throw usage(`${command} takes ${takes.size > 0 ? 'options only' : 'no arguments'}.`);
  for (const option of givenOptions(parsed.values)) {
    if (GLOBAL_OPTIONS.includes(option) || takes.has(option)) continue;
    throw usage(
      `${optionWords(option).split(' ')[0]} does not apply to ${command}${takes.size > 0 ? `; it takes ${[...takes].map((o) => `--${o}`).join(', ')}` : ''}.`,
    );
  }
  // A line's required options, for the line these words are (the first line of a one-line entry).
  const line = entry.synopsis.find((l) => l.words.split(' ')[1] === words[0]) ?? entry.synopsis[0];
  for (const option of line?.required ?? []) {
    if (parsed.values[option] === undefined)
      throw usage(`${optionWords(option).split(' ')[0]} is required: ${synopsisText(line!)}`);
  }
  return entry.plan(words, parsed.values);
}
