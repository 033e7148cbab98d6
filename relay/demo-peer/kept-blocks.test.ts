import { describe, expect, it } from 'vitest';
import { createLogger } from '../util/log';
import { DemoNode } from './node';

describe('the demo peer keeps a bounded number of blocks', () => {
  it('past its limit it forgets the oldest block and send record, but the chain keeps growing', () => {
    const node = new DemoNode(createLogger({ write: () => undefined }), null, 5);
    const mined = Array.from({ length: 8 }, () => node.mineOne());
    expect(node.chain.tip.height).toBe(8);
    expect(node.records.map((r) => r.height)).toEqual([4, 5, 6, 7, 8]);
    // The three oldest blocks are gone from getdata's store, the five newest are served.
    expect(mined.slice(0, 3).map((r) => node.block(r.hash))).toEqual([undefined, undefined, undefined]);
    expect(mined.slice(3).every((r) => node.block(r.hash)?.header.hash === r.hash)).toBe(true);
    node.close();
  });
});
