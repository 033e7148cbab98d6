/** What the chart bench page measures, read by bench/chart-bench.ts from the page's window. */
export interface ChartBenchResult {
  points: number;
  updates: number;
  /** Per update: from the frame's start to after the browser painted it (ms). */
  frameMs: number[];
  /** Per update: the React render and commit alone (ms). */
  commitMs: number[];
  initialRenderMs: number;
  renderedPathPoints: number;
  userAgent: string;
}
