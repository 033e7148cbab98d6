import { useEffect, useRef, useState } from 'react';
import { REPORT_FORMAT_TABLE, type ReportFormat } from '../../../shared/report';
import { TIER_NAMES, type TierName } from '../../../shared/tiers';
import { EXPORT_RANGES, type ExportRange } from '../../store/reports-store';
import { useRelayStore, useReportsStore } from '../../stores';
import { SegmentedControl } from '../SegmentedControl';
import { ProgressBar } from './ProgressBar';

const RANGES = [
  { value: '1h', label: 'Last hour' },
  { value: '24h', label: 'Last 24 h' },
  { value: '7d', label: 'Last 7 days' },
] as const;
const FORMATS = REPORT_FORMAT_TABLE.map((f) => ({
  value: f.id,
  label: f.label,
  needsPrinter: f.needsPrinter,
}));

/**
 * PDF is printed by Electron; headless mode has no printer, so the browser is not offered a button
 * that would only refuse (the HTML report prints to PDF from the browser's own print dialog).
 */
const CAN_PRINT_PDF = typeof window !== 'undefined' && Boolean(window.sprint);
const OFFERED_FORMATS = CAN_PRINT_PDF ? FORMATS : FORMATS.filter((f) => !f.needsPrinter);

export function ExportCard() {
  const currentTier = useRelayStore((s) => s.status?.tier ?? 'free');
  const { export: state, runExport, cancelExport } = useReportsStore();
  const [range, setRange] = useState<ExportRange>('1h');
  const [tier, setTier] = useState<TierName>(currentTier);
  const [format, setFormat] = useState<ReportFormat>('html');
  const download = useRef<HTMLAnchorElement>(null);
  const delivery = state.result?.delivery;

  // A finished headless export downloads at once, as a browser download would.
  useEffect(() => {
    if (delivery?.kind === 'download') download.current?.click();
  }, [delivery]);

  const start = () => {
    const to = Date.now();
    void runExport({ from: to - EXPORT_RANGES[range], to, tier, format });
  };

  return (
    <article className="card" aria-labelledby="export-title">
      <header className="card-header">
        <h2 id="export-title">Performance report</h2>
      </header>
      <p className="muted">
        Percentiles, compliance with its 95% bound, breaches, restarts, blocks and the optimizations applied,
        for one tier over a period. CSV and JSON carry every probe.
        {!CAN_PRINT_PDF && ' For a PDF, open the HTML report and print it from the browser.'}
      </p>
      <div className="report-form">
        <SegmentedControl label="Period" options={RANGES} value={range} onChange={setRange} />
        <label className="inline-field">
          Tier
          <select value={tier} onChange={(event) => setTier(event.target.value as TierName)}>
            {TIER_NAMES.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <SegmentedControl label="Format" options={OFFERED_FORMATS} value={format} onChange={setFormat} />
        {state.running ? (
          <button type="button" onClick={cancelExport}>
            Cancel export
          </button>
        ) : (
          <button type="button" className="primary" onClick={start}>
            Export
          </button>
        )}
      </div>
      {state.running && (
        <ProgressBar
          label="Export progress"
          done={state.progress?.done ?? 0}
          total={state.progress?.total ?? 0}
        />
      )}
      {state.error && (
        <p className="inline-error" role="alert">
          {state.error}
        </p>
      )}
      {state.result && (
        <p className="report-done" role="status" data-testid="export-result">
          {state.result.report.fileName}: {state.result.report.summary.latency.n.toLocaleString()} probes,{' '}
          {(state.result.report.bytes / 1024).toFixed(0)} KB.{' '}
          {delivery?.kind === 'download' && (
            <a ref={download} href={delivery.url} download={state.result.report.fileName}>
              Download again
            </a>
          )}
          {delivery?.kind === 'saved' && <>Saved to {delivery.path}.</>}
          {delivery?.kind === 'not-saved' && <>Not saved: the save dialog was cancelled.</>}
        </p>
      )}
    </article>
  );
}
