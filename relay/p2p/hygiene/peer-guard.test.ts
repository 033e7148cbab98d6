import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../util/log';
import { P2PProtocolError } from '../../wire/protocol-error';
import type { Frame } from '../../wire/framing';
import { DEFAULT_HYGIENE } from './config';
import { PeerGuard } from './peer-guard';
import { RATE_LIMITS } from './rate-limits';
import type { Violation } from './violations';

class IdleSocket extends EventEmitter {
  writableLength = 0;
  pause(): void {}
  resume(): void {}
}

function setup() {
  const delivered: string[] = [];
  const drops: Violation[] = [];
  let closed = false;
  const guard = new PeerGuard(
    new IdleSocket(),
    DEFAULT_HYGIENE,
    {
      address: '127.0.0.1:1',
      isClosed: () => closed,
      drop: (v) => {
        drops.push(v);
        closed = true;
      },
      deliver: (f) => delivered.push(f.command),
    },
    createLogger({ write: () => undefined }),
  );
  const frame = (command: string): Frame => ({ command, payload: Buffer.alloc(8), receivedAt: 0 });
  return { guard, delivered, drops, frame };
}

describe('PeerGuard', () => {
  it('delivers messages under their limits and scores the excess until the peer is dropped', () => {
    const { guard, delivered, drops, frame } = setup();
    const burst = RATE_LIMITS.ping.burst;
    for (let i = 0; i < burst + 10; i++) guard.offer(frame('ping'));
    expect(delivered).toHaveLength(burst);
    expect(drops).toHaveLength(1);
    expect(drops[0]?.code).toBe('PING_FLOOD');
    expect(guard.misbehaviour.score).toBe(100);
    // Once dropped nothing more is delivered or scored.
    guard.offer(frame('headers'));
    guard.misbehaving({ code: 'INV_FLOOD', points: 50, message: 'late' });
    expect(delivered).toHaveLength(burst);
    expect(guard.misbehaviour.score).toBe(100);
  });

  it('refuses unknown commands at the header and scores them once read past', () => {
    const { guard, drops } = setup();
    for (let i = 0; i < RATE_LIMITS.unknown.burst + 10; i++) {
      expect(guard.gate.admit('xyzzy', 1000)).toBe(false);
      guard.gate.skipped('xyzzy', 1000);
    }
    expect(drops[0]?.code).toBe('UNKNOWN_COMMAND_FLOOD');
    expect(guard.limits.unknownCommands).toBe(RATE_LIMITS.unknown.burst + 10);
    // After the drop the rest of a chunk no longer counts.
    expect(guard.gate.admit('xyzzy', 0)).toBe(false);
    expect(guard.limits.unknownCommands).toBe(RATE_LIMITS.unknown.burst + 10);
  });

  it('scores a protocol violation at the whole threshold', () => {
    const { guard } = setup();
    guard.protocolViolation(new P2PProtocolError('BAD_CHECKSUM', 'ping payload checksum mismatch'));
    expect(guard.misbehaviour.score).toBe(DEFAULT_HYGIENE.misbehaviourThreshold);
    expect(guard.misbehaviour.summary()).toEqual({ BAD_CHECKSUM: 1 });
  });
});
