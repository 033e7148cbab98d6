import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { PRIORITY } from '../../../shared/launch/win32';

describe('the planner’s Windows priority values', () => {
  it('are the ones Node passes to the OS', () => {
    expect(PRIORITY).toEqual(os.constants.priority);
  });
});
