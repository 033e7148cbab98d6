import { describe, expect, it } from 'vitest';
import { ReplayBuffer } from './replay-buffer';

const entry = (seq: number, bytes = 10): { seq: number; json: string } => ({ seq, json: 'x'.repeat(bytes) });

describe('replay buffer', () => {
  it('replays exactly what came after since, and says too-old once the count bound dropped it', () => {
    const buf = new ReplayBuffer(1000);
    for (let s = 1; s <= 2500; s++) buf.push(entry(s));
    expect(buf.length).toBe(1000);
    expect(buf.oldestSeq).toBe(1501);
    const r = buf.after(1500, 2500);
    expect(r.ok && r.events.map((e) => e.seq)).toEqual(Array.from({ length: 1000 }, (_, i) => 1501 + i));
    expect(buf.after(2500, 2500)).toEqual({ ok: true, events: [] });
    expect(buf.after(1499, 2500)).toMatchObject({ ok: false, reason: 'too-old', oldestSeq: 1501 });
    expect(buf.after(2501, 2500)).toMatchObject({ ok: false, reason: 'unknown-seq' });
  });

  it('keeps under its byte bound: one big reorg event pushes the oldest out', () => {
    const buf = new ReplayBuffer(10_000, 10_000);
    for (let s = 1; s <= 100; s++) buf.push(entry(s, 50));
    buf.push(entry(101, 9_000));
    expect(buf.bytes).toBeLessThanOrEqual(10_000);
    expect(buf.oldestSeq).toBeGreaterThan(1);
    const r = buf.after((buf.oldestSeq as number) - 1, 101);
    expect(r.ok && r.events.at(-1)?.seq).toBe(101);
  });
});
