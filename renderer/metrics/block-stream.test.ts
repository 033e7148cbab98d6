import { describe, expect, it } from 'vitest';
import { blockStreamState } from './block-stream';

describe('the block stream state the block chart shows', () => {
  it('is connecting while a running probe is off the stream, connected once it is on', () => {
    expect(blockStreamState({ state: 'starting', since: 0, blockStream: false })).toBe('connecting');
    expect(blockStreamState({ state: 'sampling', since: 0, blockStream: false })).toBe('connecting');
    expect(blockStreamState({ state: 'sampling', since: 0, blockStream: true })).toBe('connected');
  });

  it('claims nothing with no probe, a stopped probe, or a panel that does not say', () => {
    expect(blockStreamState(undefined)).toBe('unknown');
    expect(blockStreamState({ state: 'stopped', since: 0, blockStream: false })).toBe('unknown');
    expect(blockStreamState({ state: 'sampling', since: 0 })).toBe('unknown');
  });
});
