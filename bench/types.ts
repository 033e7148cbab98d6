/** One benchmark's figures: printed as a markdown table section and written to the JSON results. */
export interface BenchRow {
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  /** The target, as text ("≤ 0.3 ms"), when there is one. */
  readonly target?: string;
  /** Whether the figure met the target, when there is one. */
  readonly met?: boolean;
}

export interface BenchSection {
  readonly title: string;
  readonly rows: BenchRow[];
  /** Anything worth keeping beside the table: parameters, raw percentiles, machine notes. */
  readonly raw: unknown;
}
