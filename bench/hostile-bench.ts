import { type FloodFigures, runFlood } from '../test/hostile-peer/harness';
import { median } from './support';
import type { BenchRow, BenchSection } from './types';

const RUNS = 3;
const MAX_GROWTH_MB = 64;

/** The issue-12 floods, each against a fresh relay; `expectDrop` false runs the flood to its end. */
const FLOODS: ReadonlyArray<{
  attack: string;
  label: string;
  expectDrop: boolean;
  env?: Record<string, string>;
}> = [
  { attack: 'getheaders-unread', label: '4,000 getheaders unread', expectDrop: true },
  { attack: 'ping-flood', label: '500,000 pings unread', expectDrop: true },
  { attack: 'inv-flood', label: '40 × 50,000-entry inv', expectDrop: true },
  {
    attack: 'inv-flood',
    label: '40 × 50,000-entry inv, not scored',
    expectDrop: false,
    env: { P2P_MISBEHAVIOUR_THRESHOLD: '1000000000' },
  },
  { attack: 'unknown-flood', label: '200,000 unknown commands', expectDrop: true },
  { attack: 'tx-flood', label: '200 × 1 MB unsolicited tx', expectDrop: false },
  { attack: 'side-chains', label: '500,000 valid-work side-chain headers', expectDrop: true },
];

/** `npm run bench -- hostile`: relay memory and API latency under each hostile-peer flood. */
export async function runHostileBench(): Promise<BenchSection> {
  const rows: BenchRow[] = [];
  const raw: Record<string, FloodFigures[]> = {};
  for (const f of FLOODS) {
    const runs: FloodFigures[] = [];
    for (let i = 0; i < RUNS; i++) runs.push((await runFlood(f.attack, f.expectDrop, f.env)).figures);
    raw[f.label] = runs;
    const growth = median(runs.map((r) => r.peakGrowthMb));
    rows.push(
      {
        metric: `${f.label}: peak RSS growth (median of ${RUNS})`,
        value: growth,
        unit: 'MB',
        target: `≤ ${MAX_GROWTH_MB} MB`,
        met: growth <= MAX_GROWTH_MB,
      },
      {
        metric: `${f.label}: API p99 during the flood`,
        value: median(runs.map((r) => r.api.p99)),
        unit: 'ms',
      },
      {
        metric: `${f.label}: ${f.expectDrop ? 'attack start to drop' : 'flood duration'}`,
        value: median(runs.map((r) => r.dropMs)),
        unit: 'ms',
      },
    );
  }
  return { title: 'Hostile peers (test/hostile-peer against the built relay)', rows, raw };
}
