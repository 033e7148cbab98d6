import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_HELD, SendBufferGuard } from './send-buffer';

/** A socket stand-in whose queued byte count the test sets. */
class FakeSocket extends EventEmitter {
  writableLength = 0;
  paused = false;
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }
  drain(): void {
    this.writableLength = 0;
    this.emit('drain');
  }
}

function setup(capBytes = 1000, stallMs = 500) {
  const socket = new FakeSocket();
  const delivered: number[] = [];
  const overflows: string[] = [];
  const guard = new SendBufferGuard<number>(
    socket,
    { capBytes, stallMs },
    (n) => {
      delivered.push(n);
      // Each delivered message queues a 400-byte reply, as a getheaders answer would.
      socket.writableLength += 400;
      guard.afterWrite();
    },
    (m) => overflows.push(m),
  );
  return { socket, guard, delivered, overflows };
}

describe('SendBufferGuard', () => {
  afterEach(() => vi.useRealTimers());

  it('stops reading and holds messages while the queue is over the cap, then resumes on drain', () => {
    const { socket, guard, delivered } = setup();
    for (let i = 0; i < 6; i++) guard.offer(i);
    // 400, 800, 1200 > cap: paused after the third; the rest wait.
    expect(delivered).toEqual([0, 1, 2]);
    expect(guard.paused).toBe(true);
    expect(socket.paused).toBe(true);
    socket.drain();
    expect(delivered).toEqual([0, 1, 2, 3, 4, 5]);
    expect(guard.paused).toBe(true); // the held three filled it again
    socket.drain();
    expect(guard.paused).toBe(false);
    expect(socket.paused).toBe(false);
  });

  it('drops a peer that stays over the cap past the stall time', () => {
    vi.useFakeTimers();
    const { guard, overflows } = setup(1000, 500);
    for (let i = 0; i < 3; i++) guard.offer(i);
    vi.advanceTimersByTime(499);
    expect(overflows).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(overflows[0]).toMatch(/1200 bytes queued unread for 500 ms/);
  });

  it('drops at once past four times the cap, and when too many messages are held', () => {
    const a = setup(1000);
    a.socket.writableLength = 4001;
    a.guard.afterWrite();
    expect(a.overflows[0]).toMatch(/over 4× the 1000-byte cap/);

    const b = setup(1000);
    for (let i = 0; i < MAX_HELD + 4; i++) b.guard.offer(i);
    expect(b.delivered).toHaveLength(3);
    expect(b.overflows[0]).toMatch(new RegExp(`${MAX_HELD + 1} messages held`));
  });

  it('delivers nothing once disposed', () => {
    const { socket, guard, delivered } = setup();
    for (let i = 0; i < 5; i++) guard.offer(i);
    guard.dispose();
    socket.drain();
    guard.offer(9);
    expect(delivered).toEqual([0, 1, 2]);
  });
});
