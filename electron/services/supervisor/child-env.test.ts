import { describe, expect, it } from 'vitest';
import { osEnvironment } from './child-env';

const panelEnv = {
  PATH: '/usr/bin',
  HOME: '/home/op',
  GOGC: '9',
  GC_PERCENT: '7',
  LOG_LEVEL: 'verbose',
  NODE_OPTIONS: '--inspect',
  Path: 'C:\\Windows',
  SystemRoot: 'C:\\Windows',
};

describe('osEnvironment', () => {
  it('keeps only what a POSIX program needs to run', () => {
    expect(osEnvironment(panelEnv, 'linux')).toEqual({ PATH: '/usr/bin', HOME: '/home/op' });
  });

  it('matches Windows names case-insensitively and keeps SystemRoot', () => {
    expect(osEnvironment(panelEnv, 'win32')).toEqual({
      PATH: '/usr/bin',
      Path: 'C:\\Windows',
      SystemRoot: 'C:\\Windows',
    });
  });
});
