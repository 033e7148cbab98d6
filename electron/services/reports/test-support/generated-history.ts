import type { LaunchReport } from '../../../../shared/launch';
import type { BlockRelayed, HistoryEvent } from '../../../../shared/metrics';
import type { MachineInfo } from '../../../../shared/report';
import type { TierName } from '../../../../shared/tiers';
import type { RawSample, ReportSource, TimeRange } from '../source';

/** Fixtures for report tests: a seeded sample generator and an in-memory ReportSource. */

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GeneratedHistory {
  readonly samples: RawSample[];
  readonly blocks: BlockRelayed[];
  readonly events: HistoryEvent[];
  readonly range: TimeRange;
  readonly switchAt: number;
}

/**
 * `count` samples at 10 Hz from `start`: the first 60% under `first`, the rest under `second`.
 * Latency: mostly 0.3–3 ms with a long tail, 0.2% slow (20–80 ms), 0.05% timeouts at 1,000 ms, 0.05%
 * fast errors (2.5 ms, ok = false), all at whole microseconds; a breach of the 15m and the 1h windows, a crash, a restart at the switch, and a block every 5 minutes.
 */
export function generateHistory(
  count: number,
  {
    start = Date.UTC(2026, 10, 20, 12),
    first = 'turbo' as TierName,
    second = 'pro' as TierName,
    seed = 7,
  } = {},
): GeneratedHistory {
  const rand = mulberry32(seed);
  const samples: RawSample[] = [];
  const switchIndex = Math.floor(count * 0.6);
  for (let i = 0; i < count; i++) {
    const t = start + i * 100;
    const r = rand();
    let latency = 0.3 + -Math.log(1 - rand()) * 0.6;
    let ok = true;
    if (r < 0.0005) {
      // A fast error (connection refused): counts at the 1,000 ms timeout in percentiles.
      latency = 2.5;
      ok = false;
    } else if (r < 0.001) {
      latency = 1000;
      ok = false;
    } else if (r < 0.003) latency = 20 + rand() * 60;
    samples.push({
      t,
      latencyMs: Math.round(latency * 1000) / 1000,
      ok,
      tier: i < switchIndex ? first : second,
      // The probe's own lateness, a deterministic 0–0.096 ms (no draw: the random sequence stays put).
      lateMs: (i % 97) / 1000,
      // And its own busy time in the answer's window, a deterministic 0–0.052 ms.
      ownMs: (i % 53) / 1000,
    });
  }
  const end = start + count * 100;
  const switchAt = start + switchIndex * 100;
  const blocks: BlockRelayed[] = [];
  for (let t = start + 60_000, h = 800_000; t < end; t += 300_000, h++) {
    const added = Math.round((0.2 + rand() * 2) * 1000) / 1000;
    blocks.push({
      height: h,
      hash: h.toString(16).padStart(64, '0'),
      receivedAt: t,
      relayedAt: t + added,
      addedMs: added,
      endToEndMs: Math.round((added + 1 + rand() * 4) * 1000) / 1000,
      deliveredAt: t + added + 1,
    });
  }
  const events: HistoryEvent[] = [
    { at: start, kind: 'measurement-start', details: {} },
    // As the measurement service writes them: per live window, interleaved.
    { at: start + 120_000, kind: 'sla-breach', details: { window: '15m', compliance: 0.998 } },
    { at: start + 125_000, kind: 'sla-breach', details: { window: '1h', compliance: 0.9985 } },
    { at: start + 150_000, kind: 'sla-recovered', details: { window: '15m', compliance: 0.9991 } },
    { at: start + 210_000, kind: 'sla-recovered', details: { window: '1h', compliance: 0.9991 } },
    { at: start + 400_000, kind: 'relay-crash', details: { code: 1 } },
    { at: start + 400_500, kind: 'relay-restart', details: { reason: 'crash' } },
    // In the order the panel writes them: the old tier's relay goes down, the new tier's measurement
    // starts (tier-switch names the tier from then on).
    { at: switchAt - 50, kind: 'relay-restart', details: { reason: 'tier-switch' } },
    { at: switchAt - 40, kind: 'tier-switch', details: { from: first, to: second } },
  ].sort((a, b) => a.at - b.at);
  return { samples, blocks, events, range: { from: start, to: end }, switchAt };
}

const inRange = (t: number, r: TimeRange) => t >= r.from && t < r.to;

export class MemorySource implements ReportSource {
  /** Pages handed out, so tests can see the reads were paged. */
  pagesRead = 0;
  constructor(private readonly h: Pick<GeneratedHistory, 'samples' | 'blocks' | 'events'>) {}

  async countSamples(range: TimeRange): Promise<number> {
    return this.h.samples.filter((s) => inRange(s.t, range)).length;
  }

  async *iterateSamples(range: TimeRange, pageSize: number): AsyncIterable<readonly RawSample[]> {
    const rows = this.h.samples.filter((s) => inRange(s.t, range));
    for (let i = 0; i < rows.length; i += pageSize) {
      this.pagesRead++;
      yield rows.slice(i, i + pageSize);
    }
  }

  async blocks(range: TimeRange): Promise<BlockRelayed[]> {
    return this.h.blocks.filter((b) => inRange(b.receivedAt, range));
  }

  async events(range: TimeRange): Promise<HistoryEvent[]> {
    return this.h.events.filter((e) => inRange(e.at, range));
  }

  async lastEventBefore(at: number, kinds: readonly string[]): Promise<HistoryEvent | null> {
    return this.h.events.filter((e) => e.at < at && kinds.includes(e.kind)).at(-1) ?? null;
  }
}

export const TEST_MACHINE: MachineInfo = {
  os: 'Linux 6.1.0-18-amd64',
  platform: 'linux',
  arch: 'x64',
  cpuModel: 'AMD EPYC 7763 64-Core Processor',
  cpuCount: 8,
  memoryBytes: 32 * 1024 ** 3,
};

/** The latency a sample counts at in the figures: a failure no less than the probe timeout. */
export const effectiveMs = (s: { latencyMs: number; ok: boolean }, timeoutMs = 1000): number =>
  s.ok ? s.latencyMs : Math.max(s.latencyMs, timeoutMs);

/** Exact nearest-rank percentile: the independent check of the HDR figures. */
export function exactPercentile(sortedAscending: Float64Array | readonly number[], q: number): number {
  const rank = Math.max(1, Math.ceil(q * sortedAscending.length - 1e-9));
  return sortedAscending[rank - 1] ?? NaN;
}

/** A turbo launch on an 8-core Linux box without CAP_SYS_NICE: one refusal, with its reason. */
export const TEST_LAUNCH: LaunchReport = {
  tier: 'turbo',
  platform: 'linux',
  argv: [
    'taskset',
    '-c',
    '6-7',
    'nice',
    '-n',
    '-10',
    '/opt/sprint-control/sprint-control',
    '/opt/sprint-control/resources/relay.mjs',
  ],
  readBackAt: Date.UTC(2026, 10, 20, 11, 59, 58),
  items: [
    {
      name: 'priority',
      appliedBy: 'os',
      requested: 'nice -10',
      applied: 'nice 0',
      granted: false,
      reason: 'needs CAP_SYS_NICE or root (RLIMIT_NICE is 0)',
      tierDefault: 'nice -10',
      overridden: false,
    },
    {
      name: 'scheduling',
      appliedBy: 'os',
      requested: 'normal',
      applied: 'normal',
      granted: true,
      tierDefault: 'normal',
      overridden: false,
    },
    {
      name: 'affinity',
      appliedBy: 'os',
      requested: 'cpus 6-7',
      applied: 'cpus 6-7',
      granted: true,
      tierDefault: 'cpus 6-7',
      overridden: false,
    },
    {
      name: 'GC_PERCENT',
      appliedBy: 'relay',
      requested: '25',
      applied: '25',
      granted: true,
      tierDefault: '25',
      overridden: false,
    },
    {
      name: 'PREALLOC_BUFFERS',
      appliedBy: 'relay',
      requested: 'true',
      applied: 'true',
      granted: true,
      tierDefault: 'true',
      overridden: false,
    },
    {
      name: 'LOCK_OS_THREAD',
      appliedBy: 'relay',
      requested: 'true',
      applied: 'false',
      granted: false,
      reason: 'not available in the builtin relay (Node has no OS-thread pinning)',
      tierDefault: 'true',
      overridden: false,
    },
    {
      name: 'MAX_CPU_CORES',
      appliedBy: 'relay',
      requested: '2',
      applied: '2',
      granted: true,
      tierDefault: 'default',
      overridden: true,
    },
  ],
};
