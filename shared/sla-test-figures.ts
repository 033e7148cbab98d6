import { formatFigureMs, formatFraction, formatMisses, improvementLine, probeLatenessNote } from './figures';
import type { SlaTestResult, SlaTestTierResult } from './sla-test';
import { VERDICT_WORDS } from './verdict';

/**
 * The SLA test's table as text, cell by cell: the panel's Reports view and the exported report both
 * render these strings, so the two can never disagree on a figure.
 */
export const SLA_TEST_COLUMNS = [
  { key: 'compliance', label: 'Compliance' },
  { key: 'mean', label: 'Average' },
  { key: 'p999', label: 'p99.9' },
  { key: 'max', label: 'Max' },
  { key: 'misses', label: 'Misses / n' },
  { key: 'bound', label: '95% miss bound' },
  { key: 'verdict', label: 'Verdict' },
] as const;
export type SlaTestColumn = (typeof SLA_TEST_COLUMNS)[number]['key'];

export function slaTestTierLabel(t: SlaTestTierResult): string {
  return `${t.tier} (${t.sla.targetMs} ms, ${formatFraction(t.sla.objective, 1)})`;
}

/** Misses / n: over target + errors + timeouts; results recorded before the breakdown show `failed` only. */
export function slaTestMisses(t: SlaTestTierResult): string {
  return t.misses
    ? formatMisses(t.misses)
    : `${t.failed.toLocaleString('en-US')} failed of ${t.n.toLocaleString('en-US')}`;
}

export function slaTestCells(t: SlaTestTierResult): Record<SlaTestColumn, string> {
  return {
    compliance: formatFraction(t.sla.compliance),
    mean: formatFigureMs(t.latency?.mean),
    p999: formatFigureMs(t.latency?.p999),
    max: formatFigureMs(t.latency?.max),
    misses: slaTestMisses(t),
    bound: formatFraction(t.sla.missUpperBound95, 3),
    verdict: VERDICT_WORDS[t.sla.verdict],
  };
}

export function slaTestCaption(r: SlaTestResult): string {
  const contention =
    r.contentionProcesses > 0 ? `, under contention (${r.contentionProcesses} busy processes)` : '';
  return `${r.request.probesPerTier.toLocaleString('en-US')} probes per tier at ${r.request.rateHz} Hz${contention}`;
}

export function slaTestSummaryLine(r: SlaTestResult): string | null {
  return r.improvement ? improvementLine(r.improvement) : null;
}

/** What each tier's figures leave out or include that a reader should know: warm-up, a late probe. */
export function slaTestNotes(r: SlaTestResult): string[] {
  return r.tiers.flatMap((t) => {
    const notes: string[] = [];
    if (t.warmup && t.warmup.n > 0)
      notes.push(
        `${t.tier}: the first ${t.warmup.ms / 1000} s after its relay started (${t.warmup.n.toLocaleString('en-US')} probes, ` +
          `${t.warmup.overTarget.toLocaleString('en-US')} over target) were warm-up, not counted`,
      );
    const late = probeLatenessNote(t.probeLateness, `during the ${t.tier} run`);
    if (late) notes.push(late);
    return notes;
  });
}
