/** A labelled progress bar with the figures beside it, for exports and the SLA test. */
export function ProgressBar({ label, done, total }: { label: string; done: number; total: number }) {
  const fraction = total > 0 ? Math.min(1, done / total) : 0;
  return (
    <div className="progress-row">
      <progress aria-label={label} max={1} value={fraction} />
      <span className="muted tabular">
        {done.toLocaleString()} / {total.toLocaleString()}
      </span>
    </div>
  );
}
