import { create } from 'zustand';
import type { MetricsSource } from '../api/metrics-source';
import { appendBounded, latencyPoint, type LatencyPoint } from '../metrics/series';
import type { BlockRelayed, MetricsTick } from '../metrics/types';

/** Seconds of per-second latency kept live (the 5 min range plus margin for gaps). */
export const LIVE_SECONDS = 600;
/** Seconds of relay CPU and memory kept for the resources sparklines. */
export const RESOURCE_SECONDS = 300;
/** Blocks kept for the per-block chart. */
export const BLOCKS_KEPT = 120;
/** Reorgs kept for the chart's markers (a chart of BLOCKS_KEPT blocks cannot show more). */
export const REORGS_KEPT = BLOCKS_KEPT;

/** A reorg as the chart saw it: the new branch's first block arrived below or at the tip. */
export interface ReorgSeen {
  /** Height of the new branch's first block (fork + 1): where the chart marks it. */
  readonly height: number;
  /** Blocks replaced: the old tip's height - fork (as shared/reorgs.ts counts them for the report). */
  readonly depth: number;
  /** When the new branch's first block reached the relay. */
  readonly at: number;
  /** The tip it replaced. */
  readonly replacedTip: { readonly height: number; readonly hash: string };
}

export interface ResourcePoint {
  t: number;
  cpu: number | null;
  rssMb: number | null;
  loopDelayMs: number | null;
}

export interface MetricsData {
  latest: MetricsTick | null;
  live: LatencyPoint[];
  resources: ResourcePoint[];
  blocks: BlockRelayed[];
  /** When the last block arrived at the relay (epoch ms), for "last block" age. */
  lastBlockAt: number | null;
  /**
   * When the chart's chain began: blocks received earlier belong to a chain the relay has left (the
   * demo peer restarted, a reorg) and are never mixed into this one.
   */
  chainSince: number | null;
  /** Reorgs seen, oldest first, bounded by REORGS_KEPT. */
  reorgs: ReorgSeen[];
}

export const emptyMetrics = (): MetricsData => ({
  latest: null,
  live: [],
  resources: [],
  blocks: [],
  lastBlockAt: null,
  chainSince: null,
  reorgs: [],
});

/** One metrics.tick folded into the live state: bounded series, nothing else grows. */
export function applyTick(state: MetricsData, tick: MetricsTick): MetricsData {
  const live =
    tick.secondAt === null
      ? state.live
      : appendBounded(state.live, latencyPoint(tick.secondAt, tick.second, tick.tier), LIVE_SECONDS);
  const resources = tick.resources
    ? appendBounded(
        state.resources,
        {
          t: tick.at,
          cpu: tick.resources.relayCpuPercent,
          rssMb: tick.resources.relayRssMb,
          loopDelayMs: tick.resources.relayEventLoopDelayMs,
        },
        RESOURCE_SECONDS,
      )
    : state.resources;
  return { ...state, latest: tick, live, resources };
}

/**
 * One block.relayed, kept in height order. A block newer than any seen whose height is not above the
 * tip (and is not the tip itself again) starts another branch at fork + 1, as the relay streams a
 * reorg: the blocks from its height up belong to the chain the relay left and are dropped (never drawn
 * as one chain with the new branch), the blocks below it are the common ancestors and stay, and the
 * reorg is recorded for the chart's marker. A demo peer restarted on a fresh chain is the same case
 * with no common blocks. Older blocks of the left chain (from history) are refused.
 */
export function applyBlock(state: MetricsData, block: BlockRelayed): MetricsData {
  if (state.chainSince !== null && block.receivedAt < state.chainSince) return state;
  const tip = state.blocks[state.blocks.length - 1];
  const newest = block.receivedAt > (state.lastBlockAt ?? Number.NEGATIVE_INFINITY);
  const repeat = tip !== undefined && tip.height === block.height && tip.hash === block.hash;
  if (tip && newest && block.height <= tip.height && !repeat) {
    const reorg: ReorgSeen = {
      height: block.height,
      depth: tip.height - block.height + 1,
      at: block.receivedAt,
      replacedTip: { height: tip.height, hash: tip.hash },
    };
    return {
      ...state,
      blocks: [...state.blocks.filter((b) => b.height < block.height), block],
      lastBlockAt: block.receivedAt,
      chainSince: block.receivedAt,
      reorgs: [...state.reorgs, reorg].slice(-REORGS_KEPT),
    };
  }
  const others = state.blocks.filter((b) => b.height !== block.height);
  others.push(block);
  others.sort((a, b) => a.height - b.height);
  return {
    ...state,
    blocks: others.slice(-BLOCKS_KEPT),
    lastBlockAt: Math.max(state.lastBlockAt ?? 0, block.receivedAt),
  };
}

/** Per-second history (from history.query) placed before the live seconds already received. */
export function seedLive(state: MetricsData, points: readonly LatencyPoint[]): MetricsData {
  const firstLive = state.live[0]?.t ?? Number.POSITIVE_INFINITY;
  const older = points.filter((p) => p.t < firstLive);
  if (older.length === 0) return state;
  return { ...state, live: [...older, ...state.live].slice(-LIVE_SECONDS) };
}

/** Blocks from history.query merged with those seen live. */
export function mergeBlocks(state: MetricsData, blocks: readonly BlockRelayed[]): MetricsData {
  return blocks.reduce(applyBlock, state);
}

export interface MetricsStore extends MetricsData {
  seedBlocks(blocks: readonly BlockRelayed[]): void;
  seedLive(points: readonly LatencyPoint[]): void;
}

export function createMetricsStore(source: MetricsSource) {
  const store = create<MetricsStore>((set) => ({
    ...emptyMetrics(),
    seedBlocks: (blocks) => set((state) => mergeBlocks(state, blocks)),
    seedLive: (points) => set((state) => seedLive(state, points)),
  }));
  source.onTick((tick) => store.setState((state) => applyTick(state, tick)));
  source.onBlock((block) => store.setState((state) => applyBlock(state, block)));
  return store;
}
