import { countByStatus, type ConformanceReport } from '../../../shared/conformance';

/** The report as a plain-text table: clause, result, why. */

const MARK = { pass: 'pass', fail: 'FAIL', 'not-applicable': 'n/a' } as const;

export function formatTable(report: ConformanceReport): string {
  const width = Math.max(...report.results.map((r) => r.clause.length), 'clause'.length);
  const lines = [
    `Conformance of ${report.binary} (runtime: ${report.runtime ?? 'not reported'})`,
    '',
    `${'clause'.padEnd(width)}  result  why`,
    `${'-'.repeat(width)}  ------  ${'-'.repeat(40)}`,
    ...report.results.map((r) => `${r.clause.padEnd(width)}  ${MARK[r.status].padEnd(6)}  ${r.why}`),
  ];
  const counts = countByStatus(report.results);
  lines.push(
    '',
    `${counts.pass} passed, ${counts.fail} failed, ${counts.notApplicable} not applicable ` +
      `(${((report.finishedAt - report.startedAt) / 1000).toFixed(1)} s)`,
  );
  return lines.join('\n');
}
