import { describe, expect, it } from 'vitest';
import { upstreamProblem, type RelayStatus } from './relay-status';

const status = (state: RelayStatus['state'], peers: NonNullable<RelayStatus['upstream']>['peers']) => ({
  state,
  upstream: { state: 'connecting', peers, tip: null },
});

describe('upstreamProblem', () => {
  it('names the peer and the cause of a refused connection, with what to do', () => {
    const text = upstreamProblem(
      status('degraded', [
        {
          address: '127.0.0.1:18444',
          state: 'disconnected',
          lastDisconnect: { code: 'SOCKET_ERROR', message: 'connect ECONNREFUSED 127.0.0.1:18444' },
        },
      ]),
    );
    expect(text).toBe(
      'No upstream peer connected (127.0.0.1:18444: connection refused: nothing listens on that port). Check that the node runs and accepts P2P connections from this machine, or change the upstream in Settings.',
    );
    expect(text).not.toMatch(/GET \/ready|15000 ms/);
  });

  it('says nothing while a peer is ready, or when the relay is stopped', () => {
    const ready = { address: 'a:1', state: 'ready' };
    const down = { address: 'b:2', state: 'disconnected', lastDisconnect: { code: 'X', message: 'odd' } };
    expect(upstreamProblem(status('running', [ready, down]))).toBeNull();
    expect(upstreamProblem(status('stopped', [down]))).toBeNull();
    expect(upstreamProblem(status('running', [down]))).toContain('b:2: odd');
  });
});
