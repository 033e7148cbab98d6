import { describe, expect, it } from 'vitest';
import { ApiError, COMMAND_NAMES, type CommandName } from '../../../shared/api';
import { defaultSettings } from '../../../shared/settings';
import { createDispatcher, type Handlers } from './dispatcher';

const context = { signal: new AbortController().signal };
const calls: string[] = [];

function handlers(overrides: Partial<Handlers> = {}): Handlers {
  const status = {
    state: 'stopped' as const,
    pid: null,
    startedAt: null,
    restarts: 0,
    tier: 'free' as const,
    lastExit: null,
    ports: null,
    message: null,
    nextRestartAt: null,
    launch: null,
    upstream: null,
    stderrTail: [],
  };
  return {
    'relay.start': async () => (calls.push('start'), status),
    'relay.stop': async () => status,
    'relay.restart': async () => status,
    'relay.status': async () => status,
    'tier.get': async () => ({ tier: 'free' }),
    'launch.capabilities': async () => ({
      platform: 'linux' as const,
      cpus: [0, 1],
      baseNice: 0,
      canLowerNiceness: false,
      niceFloor: 0,
      canRealtime: false,
      rtPriorityMax: 0,
      tools: { taskset: null, chrt: null, nice: null, powershell: null },
      reasons: {},
    }),
    'tier.set': async ({ tier }) => ({ from: 'free', to: tier, durationMs: null, status }),
    'logs.tail': async () => ({ lines: [], timeline: [] }),
    'history.query': async () => ({
      resolution: '1s',
      bucketMs: 1000,
      points: [],
      blocks: [],
      events: [],
      truncated: false,
    }),
    'slaTest.run': async () => {
      throw new ApiError('UNSUPPORTED', 'not under test');
    },
    'relay.checkBinary': async () => {
      throw new ApiError('UNSUPPORTED', 'not under test');
    },
    'report.export': async () => {
      throw new ApiError('UNSUPPORTED', 'not under test');
    },
    'settings.get': async () => defaultSettings(),
    'settings.set': async () => defaultSettings(),
    ...(Object.fromEntries(
      COMMAND_NAMES.filter((name) => name.startsWith('profile.')).map((name) => [
        name,
        async () => {
          throw new ApiError('UNSUPPORTED', 'not under test');
        },
      ]),
    ) as unknown as Pick<Handlers, Extract<CommandName, `profile.${string}`>>),
    ...notUnderTest([
      'fleet.list',
      'fleet.add',
      'fleet.remove',
      'fleet.remote.setTier',
      'fleet.remote.runSlaTest',
      'fleet.remote.exportReport',
      'tune.plan',
      'tune.run',
      'tune.last',
      'tune.apply',
    ]),
    ...overrides,
  };
}

function notUnderTest<M extends keyof Handlers>(methods: M[]): Pick<Handlers, M> {
  const refuse = async () => {
    throw new ApiError('UNSUPPORTED', 'not under test');
  };
  return Object.fromEntries(methods.map((m) => [m, refuse])) as unknown as Pick<Handlers, M>;
}

async function errorOf(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('createDispatcher', () => {
  it('runs a valid call and returns the validated result', async () => {
    const dispatch = createDispatcher(handlers());
    await expect(dispatch('tier.set', { tier: 'pro' }, context)).resolves.toMatchObject({ to: 'pro' });
  });

  it('refuses unknown methods, including prototype names, with UNKNOWN_METHOD', async () => {
    const dispatch = createDispatcher(handlers());
    expect((await errorOf(dispatch('relay.explode', {}, context))).code).toBe('UNKNOWN_METHOD');
    expect((await errorOf(dispatch('toString', {}, context))).code).toBe('UNKNOWN_METHOD');
    expect((await errorOf(dispatch('__proto__', {}, context))).code).toBe('UNKNOWN_METHOD');
  });

  it('refuses invalid params before the handler runs, naming the field', async () => {
    calls.length = 0;
    const dispatch = createDispatcher(handlers());
    const error = await errorOf(dispatch('tier.set', { tier: 'gold' }, context));
    expect(error.code).toBe('INVALID_PARAMS');
    expect(error.message).toMatch(/tier/);
    expect((await errorOf(dispatch('relay.start', { now: true }, context))).code).toBe('INVALID_PARAMS');
    expect(calls).toEqual([]);
  });

  it('turns a handler that returns garbage into INVALID_RESULT, not a malformed payload', async () => {
    const dispatch = createDispatcher(handlers({ 'tier.get': async () => ({ tier: 'gold' }) as never }));
    expect((await errorOf(dispatch('tier.get', {}, context))).code).toBe('INVALID_RESULT');
  });

  it('keeps typed errors from handlers and wraps anything else as INTERNAL', async () => {
    const typed = createDispatcher(
      handlers({
        'relay.start': async () => {
          throw new ApiError('PORT_IN_USE', 'Port 8080 is in use');
        },
      }),
    );
    expect((await errorOf(typed('relay.start', {}, context))).code).toBe('PORT_IN_USE');
    const untyped = createDispatcher(
      handlers({
        'relay.start': async () => {
          throw new TypeError('boom');
        },
      }),
    );
    const error = await errorOf(untyped('relay.start', {}, context));
    expect(error.code).toBe('INTERNAL');
    expect(error.message).toContain('boom');
  });
});
