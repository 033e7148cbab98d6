import { describe, expect, it } from 'vitest';
import { FakeClock } from './test-support/fake-clock';
import { FixedRateSchedule, WARM_LEAD_MS, type Issue, type Sample } from './schedule';

/** A fake relay: answers `serviceMs` after a request arrives, but nothing before `stallUntil`. */
function fakeRelay(clock: FakeClock, opts: { serviceMs?: number; stall?: [number, number]; dead?: boolean }) {
  const calls: number[] = [];
  const issue: Issue = (signal) =>
    new Promise<boolean>((resolve, reject) => {
      const now = clock.now();
      calls.push(now);
      if (opts.dead) {
        signal.addEventListener('abort', () => reject(new Error('aborted')));
        return;
      }
      const [from, until] = opts.stall ?? [0, 0];
      const startService = now >= from && now < until ? until : now;
      const h = clock.set(() => resolve(true), startService - now + (opts.serviceMs ?? 1));
      signal.addEventListener('abort', () => {
        clock.clear(h);
        reject(new Error('aborted'));
      });
    });
  return { issue, calls };
}

function run(clock: FakeClock, issue: Issue, rateHz: number, timeoutMs = 1000) {
  const samples: Sample[] = [];
  const schedule = new FixedRateSchedule({
    rateHz,
    timeoutMs,
    startAt: 0,
    clock,
    timers: clock,
    issue,
    onSample: (s) => samples.push(s),
  });
  schedule.start();
  return { schedule, samples };
}

const byIntended = (samples: Sample[]) => [...samples].sort((a, b) => a.t - b.t);

describe('FixedRateSchedule (fake clock)', () => {
  it('a 200 ms stall at 10 Hz yields ~200, ~100, then normal latencies (coordinated omission corrected)', async () => {
    const clock = new FakeClock();
    const relay = fakeRelay(clock, { serviceMs: 1, stall: [0, 200] });
    const { schedule, samples } = run(clock, relay.issue, 10);
    await clock.advanceTo(1050);
    schedule.stop();
    const sorted = byIntended(samples);
    expect(sorted.map((s) => s.t)).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    // Slots go out LEAD_MS (1 ms) early and are then measured from the actual send: slot 1 left at 99,
    // waited out the stall to 200 and was served at 201.
    expect(sorted.map((s) => s.latencyMs)).toEqual([201, 102, 2, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect(sorted.every((s) => s.ok)).toBe(true);
    // Slot 1 went out on time although slot 0 was still outstanding.
    expect(relay.calls.slice(0, 3)).toEqual([0, 99, 199]);
  });

  it('a dead relay produces one timed-out sample per slot, none dropped', async () => {
    const clock = new FakeClock();
    const relay = fakeRelay(clock, { dead: true });
    const { schedule, samples } = run(clock, relay.issue, 10, 1000);
    await clock.advanceTo(3000);
    // Slots at 0..2000 have reached their deadline (intended + 1000); 2100..3000 are still in flight.
    expect(samples).toHaveLength(21);
    for (const s of samples) {
      expect(s.ok).toBe(false);
      // Sent LEAD_MS early, so a timeout has been outstanding 1001 ms.
      expect(s.latencyMs).toBe(s.t === 0 ? 1000 : 1001);
    }
    expect(schedule.outstanding).toBe(10);
    schedule.stop();
    expect(schedule.outstanding).toBe(0);
  });

  it('a frozen probe still charges every missed slot from its intended time', async () => {
    const clock = new FakeClock();
    const relay = fakeRelay(clock, { serviceMs: 1 });
    const { schedule, samples } = run(clock, relay.issue, 10);
    await clock.advanceTo(50);
    clock.freeze(450); // the probe's own loop is stuck from 50 to 500
    await clock.advanceTo(1050);
    schedule.stop();
    const sorted = byIntended(samples);
    expect(sorted.map((s) => s.t)).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    // Slot 0 left on time; 100..500 were sent at 500 and charged from their intended times.
    expect(sorted.slice(0, 6).map((s) => s.latencyMs)).toEqual([1, 401, 301, 201, 101, 1]);
  });

  it('slots already past their timeout when the probe wakes are timeouts, not a burst of requests', async () => {
    const clock = new FakeClock();
    const relay = fakeRelay(clock, { serviceMs: 1 });
    const { schedule, samples } = run(clock, relay.issue, 10, 300);
    await clock.advanceTo(50);
    clock.freeze(950); // stuck until 1000
    await clock.advanceTo(1050);
    schedule.stop();
    const sorted = byIntended(samples);
    expect(sorted).toHaveLength(11);
    // 100..700 are ≥ 300 ms overdue at 1000: recorded as failures without being sent.
    expect(sorted.slice(1, 8).every((s) => !s.ok)).toBe(true);
    expect(relay.calls).toEqual([0, 1000, 1000, 1000]);
    expect(sorted.slice(8).map((s) => [s.t, s.latencyMs, s.ok])).toEqual([
      [800, 201, true],
      [900, 101, true],
      [1000, 1, true],
    ]);
  });

  it('a timer firing early measures from the actual send, never shorter than the round trip', async () => {
    const clock = new FakeClock();
    const relay = fakeRelay(clock, { serviceMs: 3 });
    const samples: Sample[] = [];
    // Timers that fire up to 1.2 ms before they are due, as libuv's whole-millisecond clock can.
    const early = {
      set: (fn: () => void, d: number) => clock.set(fn, Math.max(0.5, d - 1.2)),
      clear: (h: unknown) => clock.clear(h),
    };
    const schedule = new FixedRateSchedule({
      rateHz: 10,
      timeoutMs: 1000,
      startAt: 100,
      clock,
      timers: early,
      issue: relay.issue,
      onSample: (s) => samples.push(s),
    });
    schedule.start();
    await clock.advanceTo(450);
    schedule.stop();
    expect(samples.map((s) => s.t)).toEqual([100, 200, 300, 400]);
    for (const s of samples) expect(s.latencyMs).toBeGreaterThanOrEqual(3);
  });
});

describe('FixedRateSchedule: the probe’s own lateness', () => {
  it('records actual − intended send for every sample, and a frozen probe’s wait as lateness', async () => {
    const clock = new FakeClock();
    const relay = fakeRelay(clock, { serviceMs: 1 });
    const { schedule, samples } = run(clock, relay.issue, 10);
    await clock.advanceTo(250);
    // The probe freezes for 130 ms before slot 3 (t = 300): it goes out at 430, 130 ms late.
    clock.freeze(179);
    await clock.advanceTo(450);
    schedule.stop();
    const sorted = byIntended(samples);
    // Timer sends go LEAD_MS early (negative lateness), the frozen slot reports its wait.
    expect(sorted.map((s) => s.lateMs)).toEqual([0, -1, -1, 129, 29]);
    // Latency still counts from the intended time: the late probe's wait is in it.
    expect(sorted[3]?.latencyMs).toBe(130);
  });

  it('with spinMs the timer wakes early and each send is exactly on time (never early)', async () => {
    const clock = new FakeClock();
    const relay = fakeRelay(clock, { serviceMs: 1 });
    const spins: number[] = [];
    const samples: Sample[] = [];
    const schedule = new FixedRateSchedule({
      rateHz: 10,
      timeoutMs: 1000,
      startAt: 0,
      clock,
      timers: clock,
      issue: relay.issue,
      onSample: (s) => samples.push(s),
      spinMs: 1,
      spinUntil: (t) => {
        spins.push(t - clock.now());
        clock.freeze(t - clock.now());
      },
    });
    schedule.start();
    await clock.advanceTo(1050);
    schedule.stop();
    expect(relay.calls).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    expect(byIntended(samples).every((s) => s.lateMs === 0 && s.latencyMs === 1)).toBe(true);
    // Each wait after the first was the whole spin window (LEAD_MS + spinMs): the timer woke 2 ms early.
    expect(spins.slice(1).every((ms) => ms === 2)).toBe(true);
  });

  it('spinning never exceeds half an interval, and a late wake-up still sends every due slot', async () => {
    const clock = new FakeClock();
    const relay = fakeRelay(clock, { serviceMs: 1 });
    const samples: Sample[] = [];
    const spins: number[] = [];
    const schedule = new FixedRateSchedule({
      rateHz: 500,
      timeoutMs: 1000,
      startAt: 0,
      clock,
      timers: clock,
      issue: relay.issue,
      onSample: (s) => samples.push(s),
      spinMs: 50,
      spinUntil: (t) => {
        spins.push(t - clock.now());
        clock.freeze(t - clock.now());
      },
    });
    schedule.start();
    await clock.advanceTo(5);
    clock.freeze(10); // frozen: slots 3..7 are late by then
    await clock.advanceTo(21.5);
    schedule.stop();
    expect(Math.max(...spins)).toBeLessThanOrEqual(1 + 1); // half of 2 ms + LEAD_MS
    expect(byIntended(samples).map((s) => s.t)).toEqual(Array.from({ length: 11 }, (_, i) => i * 2));
    expect(byIntended(samples).some((s) => s.lateMs >= 5)).toBe(true);
  });
  it('a staged request: book-keeping before the spin, a warm-up WARM_LEAD_MS before the send, the write after', async () => {
    const clock = new FakeClock();
    const events: string[] = [];
    const schedule = new FixedRateSchedule({
      rateHz: 10,
      timeoutMs: 1000,
      startAt: 0,
      clock,
      timers: clock,
      issue: () => Promise.reject(new Error('the staged path is used')),
      stage: () => {
        events.push(`stage ${clock.now()}`);
        return () => {
          events.push(`send ${clock.now()}`);
          return Promise.resolve({ ok: true, at: clock.now() + 1 });
        };
      },
      warm: () => events.push(`warm ${clock.now()}`),
      onSample: (s) => events.push(`sample ${s.t} ${s.latencyMs} ${s.ok}`),
      spinMs: 1,
      spinUntil: (t) => clock.freeze(t - clock.now()),
    });
    schedule.start();
    await clock.advanceTo(150);
    schedule.stop();
    // Slot 0 is due at once (no spin, no warm-up); slot 1 is spun to, warmed just before its send.
    expect(events).toEqual([
      'stage 0',
      'send 0',
      'sample 0 1 true',
      'stage 98',
      `warm ${100 - WARM_LEAD_MS}`,
      'send 100',
      'sample 100 1 true',
    ]);
  });
});
