import { describe, expect, it } from 'vitest';
import { tick } from '../test-support/fixtures';
import {
  applyBlock,
  applyTick,
  BLOCKS_KEPT,
  emptyMetrics,
  LIVE_SECONDS,
  RESOURCE_SECONDS,
  seedLive,
} from './metrics-store';

const block = (height: number, receivedAt = height * 1000) => ({
  height,
  hash: height.toString(16).padStart(64, '0'),
  receivedAt,
  relayedAt: receivedAt + 0.4,
  addedMs: 0.4,
  endToEndMs: 1.1,
  deliveredAt: receivedAt + 0.6,
});

describe('applyTick', () => {
  it('appends one point per second and stays bounded', () => {
    let state = emptyMetrics();
    for (let i = 0; i < LIVE_SECONDS + 50; i++) state = applyTick(state, tick(i * 1000));
    expect(state.live).toHaveLength(LIVE_SECONDS);
    expect(state.resources).toHaveLength(RESOURCE_SECONDS);
    expect(state.live[state.live.length - 1]?.t).toBe((LIVE_SECONDS + 49) * 1000);
    expect(state.latest?.secondAt).toBe((LIVE_SECONDS + 49) * 1000);
  });
  it('adds no point before the first second closes, and a gap for a second without samples', () => {
    let state = applyTick(emptyMetrics(), tick(null));
    expect(state.live).toHaveLength(0);
    state = applyTick(state, tick(1000, null));
    expect(state.live).toEqual([{ t: 1000, p50: null, p99: null, max: null, tier: state.latest?.tier }]);
    expect(state.live[0]?.tier).toBeTruthy();
  });
  it('keeps the resources series when the tick has none (probe restarting)', () => {
    const state = applyTick(emptyMetrics(), { ...tick(1000), resources: null });
    expect(state.resources).toHaveLength(0);
  });
});

describe('blocks', () => {
  it('keeps blocks in height order, replaces a repeated height, and stays bounded', () => {
    let state = emptyMetrics();
    for (let h = BLOCKS_KEPT + 10; h > 0; h--) state = applyBlock(state, block(h));
    expect(state.blocks).toHaveLength(BLOCKS_KEPT);
    expect(state.blocks[0]?.height).toBe(11);
    state = applyBlock(state, { ...block(50), addedMs: 9 });
    expect(state.blocks.filter((b) => b.height === 50)).toEqual([{ ...block(50), addedMs: 9 }]);
    expect(state.lastBlockAt).toBe((BLOCKS_KEPT + 10) * 1000);
  });
});

describe('blocks of another chain', () => {
  it('starts over when a newer block does not extend the tip (demo peer restarted), never mixing chains', () => {
    let state = emptyMetrics();
    for (let h = 8; h <= 11; h++) state = applyBlock(state, block(h));
    // The new chain's block 6 arrives after all of them: heights 8–11 belong to the old chain.
    const restarted = { ...block(6), hash: 'f'.repeat(64), receivedAt: 20_000 };
    state = applyBlock(state, restarted);
    expect(state.blocks.map((b) => b.height)).toEqual([6]);
    // History replaying the old chain's blocks cannot bring them back.
    state = applyBlock(state, block(10));
    expect(state.blocks.map((b) => b.height)).toEqual([6]);
    state = applyBlock(state, { ...block(7), hash: 'e'.repeat(64), receivedAt: 21_000 });
    expect(state.blocks.map((b) => b.height)).toEqual([6, 7]);
  });
});

describe('seedLive', () => {
  it('puts history before the live seconds without duplicating them', () => {
    let state = applyTick(emptyMetrics(), tick(5000));
    state = seedLive(state, [
      { t: 3000, p50: 1, p99: 2, max: 3 },
      { t: 4000, p50: 1, p99: 2, max: 3 },
      { t: 5000, p50: 9, p99: 9, max: 9 },
    ]);
    expect(state.live.map((p) => p.t)).toEqual([3000, 4000, 5000]);
    expect(state.live[2]?.p50).toBe(1);
  });
});
