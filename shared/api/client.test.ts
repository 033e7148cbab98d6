import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error';
import { ConnectionError, createApiClient } from './client';
import { webSocketApiTransport, type SocketLike } from './ws-client';

/** A socket the test drives: what the client sent, and the panel's side by hand. */
class FakeSocket implements SocketLike<{ data: string }, { code: number }> {
  onopen: ((event: never) => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  readonly sent: unknown[] = [];
  closed = false;
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.closed = true;
  }
  open() {
    this.onopen?.(undefined as never);
  }
  reply(message: unknown) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  drop(code = 1006) {
    this.onclose?.({ code });
  }
}

function connectedClient(options: Parameters<typeof createApiClient>[1] = {}, reconnect = true) {
  const sockets: FakeSocket[] = [];
  const fails: ((error: ApiError) => void)[] = [];
  const open = () =>
    webSocketApiTransport(
      (fail) => {
        const socket = new FakeSocket();
        sockets.push(socket);
        fails.push(fail);
        return socket;
      },
      { peerName: 'the panel at http://x', reconnect, maxRequestBytes: 1024 },
    );
  const client = createApiClient(open, { peerName: 'the panel at http://x', ...options });
  return { client, sockets, fails };
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );

describe('the shared API client over a WebSocket', () => {
  it('answers a call by its request id, checked against the command table', async () => {
    const { client, sockets } = connectedClient();
    sockets[0]!.open();
    const call = client.call('tier.get', {});
    expect(sockets[0]!.sent).toEqual([{ id: 1, method: 'tier.get', params: {} }]);
    sockets[0]!.reply({ id: 1, result: { tier: 'pro' } });
    await expect(call).resolves.toEqual({ tier: 'pro' });
  });

  it('names an answer the schema refuses as INVALID_RESULT, without the command', async () => {
    const { client, sockets } = connectedClient();
    sockets[0]!.open();
    const call = failure(client.call('tier.get', {}));
    sockets[0]!.reply({ id: 1, result: { tier: 'platinum' } });
    const error = (await call) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe('INVALID_RESULT');
    expect(error.message).toMatch(
      /^The panel at http:\/\/x answered with values this panel does not accept: tier/,
    );
    expect(error.message).not.toContain('tier.get');
  });

  it('a panel error arrives as an ApiError, not a ConnectionError', async () => {
    const { client, sockets } = connectedClient();
    sockets[0]!.open();
    const call = failure(client.call('tier.get', {}));
    sockets[0]!.reply({ id: 1, error: { code: 'BUSY', message: 'busy' } });
    const error = (await call) as ApiError;
    expect(error.code).toBe('BUSY');
    expect(error).not.toBeInstanceOf(ConnectionError);
  });

  it('gives a call up at its deadline, tells the panel to cancel, and replaces a socket after too many', async () => {
    const { client, sockets } = connectedClient({ deadlineMs: 30, maxAbandoned: 2 });
    sockets[0]!.open();
    const first = (await failure(client.call('tier.get', {}))) as ConnectionError;
    expect(first).toBeInstanceOf(ConnectionError);
    expect(first.failure).toBe('deadline');
    expect(first.message).toBe('The panel at http://x did not answer within 30 ms.');
    expect(sockets[0]!.sent).toContainEqual({ id: 1, cancel: true });
    expect(sockets).toHaveLength(1);
    await failure(client.call('tier.get', {}));
    // The second call given up: the mute socket is closed and a fresh one opened.
    expect(sockets[0]!.closed).toBe(true);
    expect(sockets).toHaveLength(2);
  });

  it('refuses a request over the size cap without sending it', async () => {
    const { client, sockets } = connectedClient();
    sockets[0]!.open();
    const error = (await failure(
      client.call('profile.import', { text: 'x'.repeat(2000) }),
    )) as ConnectionError;
    expect(error.failure).toBe('too-large');
    expect(error.message).toMatch(/The request is 3 KB; the panel takes at most 1 KB per message/);
    expect(sockets[0]!.sent).toEqual([]);
  });

  it('one connection only: the handshake refusal is the reason, reported at once', async () => {
    const { client, sockets, fails } = connectedClient({}, false);
    const waiting = failure(client.connected(5000));
    fails[0]!(new ApiError('UNAUTHORIZED', 'The panel at http://x refused the token (401 Unauthorized).'));
    // The abort that follows a refused handshake reports its own error: the first reason stays.
    fails[0]!(new ApiError('UNREACHABLE', 'socket hang up'));
    sockets[0]!.drop();
    const error = (await waiting) as ConnectionError;
    expect(error.failure).toBe('refused');
    expect(error.message).toMatch(/refused the token/);
    expect(sockets).toHaveLength(1);
  });

  it('a lost one-shot connection fails the waiting calls; an oversize close says so', async () => {
    const { client, sockets } = connectedClient({}, false);
    sockets[0]!.open();
    const call = failure(client.call('tier.get', {}));
    sockets[0]!.drop(1009);
    const error = (await call) as ConnectionError;
    expect(error.failure).toBe('unreachable');
    expect(error.message).toMatch(/over the size limit/);
    await expect(client.connected(1000)).rejects.toBeInstanceOf(ConnectionError);
  });

  it('passes only events whose payload fits their schema', () => {
    const { client, sockets } = connectedClient();
    sockets[0]!.open();
    const seen: unknown[] = [];
    client.on('log.line', (line) => seen.push(line));
    sockets[0]!.reply({ event: 'log.line', payload: { nonsense: true } });
    sockets[0]!.reply({ event: 'tune.progress', payload: {} });
    const line = { at: 1, source: 'relay', stream: 'stdout', level: 'info', message: 'ready' };
    sockets[0]!.reply({ event: 'log.line', payload: line });
    expect(seen).toEqual([line]);
  });
});
