import { ApiError } from '../../../shared/api';
import type { TierOverrides } from '../../../shared/launch';
import type { MeasurementLink } from '../measurement-link';
import { ProbeProcess } from '../probe/probe-process';
import { spinMsForTier, type ProbeSample } from '../probe/protocol';
import type { ProbeTarget } from '../supervisor/probe-target';
import type { RelayResources } from '../supervisor/relay-service';
import { cancelled, type BlockRunner, type BlockSamples } from './experiment';

/**
 * How long a restarted relay may take to serve a block. A relay that is ready (caught up, a peer
 * connected) can still have no block to serve: a fresh one waits for its upstream's next block (the
 * demo peer announces one every 10 s by default; in the integration test's first block that took 7 s).
 * That wait is the switch's, never the candidate's.
 */
const SERVE_WAIT_MS = 30_000;
/** How long the probe may take from its start to its first sample once the relay serves: a slow
 * spawn under contention takes about a second here. Longer, and the plan is starving the probe. */
const PROBE_START_MS = 10_000;

/** The relay as the runner drives it (RelayService; a stand-in in the runner's own tests). */
export interface TrialRelay {
  setTrialOverrides(overrides: TierOverrides | null): void;
  restart(): Promise<unknown>;
  probeTarget(): ProbeTarget | null;
  killNow(): void;
}

export interface LiveRunnerOptions {
  readonly relay: TrialRelay;
  readonly link: { readonly measurement: Pick<MeasurementLink['measurement'], 'recordBlock'> };
  readonly resources: Pick<RelayResources, 'execPath' | 'probeScript'>;
  readonly rateHz: number;
  readonly timeoutMs: number;
  /** How long a restarted relay may take to serve a block (SERVE_WAIT_MS unless a test says). */
  readonly serveWaitMs?: number;
}

/**
 * Blocks on the real relay: each switch restarts it under the candidate's overrides (tried, never
 * saved: RelayService.setTrialOverrides) and waits until it serves a block; each block runs a fresh
 * probe under the candidate's plan (its probe wrappers: the relay's own, or on the CPUs its probeCpus
 * names), as the live probe runs once the candidate is applied. A block counts only slots after the probe's schedule started and after
 * the warm-up: nothing sent while the relay restarted or the probe connected can be counted.
 */
export function liveRunner(options: LiveRunnerOptions): BlockRunner {
  const { relay } = options;
  return {
    async switchTo(candidate, signal) {
      relay.setTrialOverrides(candidate.overrides);
      await relay.restart();
      // A restart resolves once the relay is ready, which is not yet serving: wait for a block.
      const waitMs = options.serveWaitMs ?? SERVE_WAIT_MS;
      const until = Date.now() + waitMs;
      while (!signal.aborted && Date.now() < until) {
        const target = relay.probeTarget();
        if (target && (await servesBlock(target))) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      if (signal.aborted) throw cancelled();
      throw new ApiError(
        'NOT_RUNNING',
        `The relay did not serve a block within ${waitMs / 1000} s of starting under ` +
          `“${candidate.label}”; see Logs. Tuning stopped.`,
      );
    },
    async probe(candidate, shape, signal) {
      const target = relay.probeTarget();
      if (!target) {
        throw new ApiError(
          'NOT_RUNNING',
          `The relay did not become ready under “${candidate.label}”; see Logs. Tuning stopped.`,
        );
      }
      const probe = new ProbeProcess({
        execPath: options.resources.execPath,
        script: options.resources.probeScript,
        // The plan's probe wrappers (LaunchPlan.probePrefix): the candidate's probeCpus are an override
        // the relay was restarted under, so the probe runs here exactly as the live probe will.
        argvPrefix: target.argvPrefix,
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
        apiUrl: target.apiUrl,
        key: target.key,
        rateHz: options.rateHz,
        timeoutMs: options.timeoutMs,
        stream: true,
        spinMs: spinMsForTier(target.tier),
      });
      // Blocks relayed meanwhile are shown and stored like live ones (the live probe is paused).
      probe.on('block', (block) => options.link.measurement.recordBlock(block));
      const early: ProbeSample[] = [];
      let window: BlockWindow | null = null;
      let timer: NodeJS.Timeout | undefined;
      try {
        await new Promise<void>((resolve, reject) => {
          const onAbort = () => reject(cancelled());
          if (signal.aborted) return onAbort();
          signal.addEventListener('abort', onAbort, { once: true });
          const finish = () => {
            signal.removeEventListener('abort', onAbort);
            resolve();
          };
          // Until the schedule starts, only the probe's start is timed: a probe that cannot even
          // start sampling under this plan is charged the whole block (see BlockWindow.result).
          timer = setTimeout(finish, PROBE_START_MS);
          probe.on('sampling', (at) => {
            // A probe that died and came back keeps the first schedule's slots: its gap is charged.
            if (window !== null) return;
            clearTimeout(timer);
            window = new BlockWindow(at, options.rateHz, shape.warmupProbes, shape.blockProbes);
            window.add(early);
            // From here the block's own deadline: its probes' nominal time, generously.
            timer = setTimeout(
              finish,
              blockDeadlineMs(shape.warmupProbes + shape.blockProbes, options.rateHz),
            );
            if (window.complete) finish();
          });
          probe.on('samples', (batch) => {
            if (window === null) return void early.push(...batch);
            window.add(batch);
            if (window.complete) finish();
          });
          probe.start();
        });
      } finally {
        clearTimeout(timer);
        await stopEvenIfStarved(probe, relay);
      }
      const measured: BlockWindow =
        window ?? new BlockWindow(Date.now(), options.rateHz, shape.warmupProbes, shape.blockProbes);
      return measured.result(options.timeoutMs);
    },
  };
}

/** Whether the relay answers GET /v1/btc/latest with a block (200), within a second. */
async function servesBlock(target: ProbeTarget): Promise<boolean> {
  try {
    const response = await fetch(new URL('/v1/btc/latest', target.apiUrl), {
      headers: { 'x-api-key': target.key, accept: 'application/json' },
      signal: AbortSignal.timeout(1000),
    });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

/**
 * One block's slots, placed by their intended send time on the probe's schedule (slot 0 is the
 * relay's first served probe): the first `warmupProbes` slots are the warm-up, the next `blockProbes`
 * the counted block, anything later is dropped. Placing by slot rather than by order of arrival
 * keeps a slow early probe out of the count, and a slow late one in it.
 */
export class BlockWindow {
  private readonly counted = new Map<number, ProbeSample>();
  private readonly warmup: ProbeSample[] = [];
  private readonly intervalMs: number;

  constructor(
    private readonly at: number,
    rateHz: number,
    private readonly warmupProbes: number,
    private readonly blockProbes: number,
  ) {
    this.intervalMs = 1000 / rateHz;
  }

  add(samples: readonly ProbeSample[]): void {
    for (const sample of samples) {
      const slot = Math.round((sample[0] - this.at) / this.intervalMs);
      if (slot < 0) continue;
      if (slot < this.warmupProbes) this.warmup.push(sample);
      else if (slot < this.warmupProbes + this.blockProbes) this.counted.set(slot, sample);
    }
  }

  get complete(): boolean {
    return this.counted.size >= this.blockProbes;
  }

  /**
   * The block in slot order. Slots that never reported by the deadline count as timeouts (`stalled`):
   * a plan that stalls the relay or its probe is charged for it instead of being measured on the few
   * probes that got through.
   */
  result(timeoutMs: number): BlockSamples {
    const counted: ProbeSample[] = [];
    let stalled = 0;
    for (let slot = this.warmupProbes; slot < this.warmupProbes + this.blockProbes; slot++) {
      const sample = this.counted.get(slot);
      if (sample) counted.push(sample);
      else {
        counted.push([this.at + slot * this.intervalMs, timeoutMs, false, 0]);
        stalled++;
      }
    }
    return { counted, warmup: [...this.warmup], stalled };
  }
}

/**
 * A block gets three times its nominal time and 5 s more from its first slot; a plan that stalls the
 * probe longer has failed. Generous on purpose: the panel itself may be starved by a real-time relay and probe on both
 * cores, and then samples arrive late although the probe measured them in time.
 */
export function blockDeadlineMs(count: number, rateHz: number): number {
  return Math.round((3 * count * 1000) / rateHz) + 5000;
}

/**
 * A probe starved of CPU (a real-time relay spinning on the core it is pinned to) cannot even act on
 * SIGKILL until it runs. If it has not gone after a few seconds, the relay is killed to free the
 * core; the next switch starts it again.
 */
async function stopEvenIfStarved(probe: ProbeProcess, relay: TrialRelay): Promise<void> {
  const stopping = probe.stop();
  let timer: NodeJS.Timeout | undefined;
  const starved = await Promise.race([
    stopping.then(() => false),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), 5000))),
  ]);
  clearTimeout(timer);
  if (starved) {
    relay.killNow();
    await stopping;
  }
}
