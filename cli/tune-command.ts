import {
  TuneRequest,
  TUNE_COLUMNS,
  tuneCells,
  tuneDesignLine,
  tuneScopeLine,
  type TuneResult,
} from '../shared/tuning';
import { describeIssues } from '../shared/api';
import { intOption, usage, type Parsed } from './args';
import { EXIT } from './exit-codes';
import type { Planned } from './run-context';

/** `sprint-control tune`: tune this machine for a tier; --apply applies a significant recommendation. */
export function tune(values: Parsed['values']): Planned {
  const request = TuneRequest.safeParse({
    ...(values.tier !== undefined && { tier: values.tier }),
    ...(values.budget !== undefined && { budgetSeconds: intOption(values.budget, 'budget') }),
    ...(values.rate !== undefined && { rateHz: intOption(values.rate, 'rate') }),
    contention: values.contention,
  });
  if (!request.success)
    throw usage(`tune: ${describeIssues(request.error).replace('budgetSeconds', '--budget')}`);
  return async ({ panel, out, signal }) => {
    const plan = await panel.call('tune.plan', request.data, signal);
    process.stderr.write(
      `Tuning ${plan.tier}: ${plan.estimate}.\n` +
        plan.skipped.map((s) => `  skipped ${s.label}: ${s.reason}\n`).join(''),
    );
    const stop = panel.on('tune.progress', (p) => {
      const label = p.phase === 'measuring' ? `round ${p.round}/${p.rounds}` : p.phase;
      out.progress(label.padEnd(16), p.blocksDone, p.blocksTotal);
    });
    try {
      const result = await panel.call('tune.run', request.data, signal);
      out.endProgress();
      let applied: string | null = null;
      if (values.apply && result.recommendation.kind === 'apply') {
        applied = (await panel.call('tune.apply', { id: result.id, as: 'overrides' }, signal)).message;
      }
      out.result({ ...result, applied }, () => tuneText(result) + (applied ? `\n${applied}` : ''));
      return EXIT.ok;
    } finally {
      stop();
      out.endProgress();
    }
  };
}

export function tuneText(result: TuneResult): string {
  const rows = result.results.map((r) => tuneCells(r, result.intervalLevel));
  const widths = TUNE_COLUMNS.map((c) => Math.max(c.label.length, ...rows.map((row) => row[c.key].length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ');
  return [
    tuneDesignLine(result),
    line(TUNE_COLUMNS.map((c) => c.label)),
    ...rows.map((row) => line(TUNE_COLUMNS.map((c) => row[c.key]))),
    ...result.skipped.map((s) => `skipped ${s.label}: ${s.reason}`),
    result.recommendation.text,
    tuneScopeLine(result),
  ].join('\n');
}
