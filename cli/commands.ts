import path from 'node:path';
import { ReportFormat } from '../shared/report';
import { SlaTestRequest } from '../shared/sla-test';
import { TierName, TIER_NAMES } from '../shared/tiers';
import { describeIssues } from '../shared/api';
import type { Planned } from './run-context';
import { intOption, parsePeriod, usage, type Parsed } from './args';
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
  if (!values.period) throw usage('--period is required (1h, 24h, 7d or FROM..TO).');
  if (!values.output) throw usage('-o FILE is required.');
  const period = parsePeriod(values.period);
  const explicitTier = values.tier === undefined ? undefined : tierArg(values.tier);
  const file = path.resolve(values.output);
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

/** The command line's words → a command ready to run, or a usage error. */
export function planCommand(parsed: Parsed): Planned {
  const [command, ...words] = parsed.positionals;
  switch (command) {
    case 'status':
      if (words.length > 0) throw usage('status takes no arguments.');
      return status();
    case 'tier':
      return tierSet(words);
    case 'relay':
      return relay(words);
    case 'sla-test':
      if (words.length > 0) throw usage('sla-test takes options only.');
      return slaTest(parsed.values);
    case 'tune':
      return tune(words, parsed.values);
    case 'report':
      return reportExport(words, parsed.values);
    case 'profile':
      return profile(words, parsed.values);
    default:
      throw usage(command ? `Unknown command "${command}".` : 'No command given.');
  }
}
