import { CLAUSE_IDS, countByStatus, type ClauseResult } from '../../../shared/conformance';
import { useConformanceStore } from '../../stores';

const LABEL: Record<ClauseResult['status'], string> = {
  pass: 'Pass',
  fail: 'Fail',
  'not-applicable': 'Not applicable',
};
const CLASS: Record<ClauseResult['status'], string> = {
  pass: 'status-ok',
  fail: 'status-warn',
  'not-applicable': 'muted',
};

/** "Check this binary": the relay contract clauses against the path in the field, pass/fail and why. */
export function ConformanceCheck({ path }: { path: string }) {
  const { running, binary, results, report, error, check } = useConformanceStore();
  const shown = binary === path.trim() ? results : [];
  const counts = countByStatus(shown);
  return (
    <div className="conformance-check" data-testid="conformance-check">
      <div className="inline-form">
        <button
          type="button"
          disabled={running || path.trim() === ''}
          onClick={() => void check(path.trim())}
          data-testid="check-binary"
        >
          {running ? 'Checking…' : 'Check this binary'}
        </button>
        <span className="muted">
          {running
            ? `Running it against a test peer: ${shown.length} of ${CLAUSE_IDS.length} clauses done`
            : 'Starts it under the relay contract against a test peer (about 10 s) and checks each clause.'}
        </span>
      </div>
      {error && binary === path.trim() && (
        <p className="status-warn" role="alert">
          {error}
        </p>
      )}
      {shown.length > 0 && (
        <>
          {report && (
            <p className={counts.fail > 0 ? 'status-warn' : 'status-ok'} data-testid="conformance-summary">
              {counts.fail > 0
                ? `${counts.fail} of ${shown.length} clauses fail: the panel cannot rely on this binary for them.`
                : `Honours the contract: ${counts.pass} pass, ${counts.notApplicable} not applicable.`}
            </p>
          )}
          <div className="table-scroll">
            <table className="knob-table" data-testid="conformance-table">
              <thead>
                <tr>
                  <th scope="col">Clause</th>
                  <th scope="col">Result</th>
                  <th scope="col">Why</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((r) => (
                  <tr key={r.clause} className={r.status === 'fail' ? 'row-warn' : undefined}>
                    <th scope="row">
                      <span className="mono">{r.clause}</span>
                      <span className="cell-note">{r.title}</span>
                    </th>
                    <td className={CLASS[r.status]}>{LABEL[r.status]}</td>
                    <td>{r.why}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}
