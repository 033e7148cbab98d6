import { describe, expect, expectTypeOf, it } from 'vitest';
import type { RawSample } from '../history/types';
import { ProbeLine, ProbeSample } from './protocol';

describe('the one probe sample', () => {
  it('takes the tuple with and without lateness and own time, and nothing else', () => {
    expect(ProbeSample.safeParse([1_700_000_000_000, 1.5, true, 0.1, 0.07]).success).toBe(true);
    expect(ProbeSample.safeParse([1_700_000_000_000, 1.5, true, 0.1]).success).toBe(true);
    expect(ProbeSample.safeParse([1_700_000_000_000, 4000, false]).success).toBe(true);
    for (const bad of [
      [1, -1, true],
      [1, 2, 'yes'],
      [1, 2, true, 3, -4],
      [1, 2, true, 3, 4, 5],
      [1, 2],
      { at: 1 },
    ])
      expect(ProbeSample.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    const line = ProbeLine.parse({
      type: 'samples',
      samples: [
        [1, 2, true, 0],
        [3, 4, false],
      ],
    });
    expect(line).toEqual({
      type: 'samples',
      samples: [
        [1, 2, true, 0],
        [3, 4, false],
      ],
    });
  });

  it('is the type the history store keeps', () => {
    expectTypeOf<RawSample>().toEqualTypeOf<ProbeSample>();
    expectTypeOf<ProbeSample>().toEqualTypeOf<
      readonly [number, number, boolean, (number | undefined)?, (number | undefined)?]
    >();
  });
});
