import { ApiError } from '../../../shared/api';
import type { TuneCandidate } from '../../../shared/tuning';
import type { MeasurementLink } from '../measurement-link';
import { ProbeProcess } from '../probe/probe-process';
import { spinMsForTier, type ProbeSample } from '../probe/protocol';
import type { RelayResources, RelayService } from '../supervisor/relay-service';
import { cancelled, type BlockRunner } from './experiment';

const READY_WAIT_MS = 15_000;

export interface LiveRunnerOptions {
  readonly relay: RelayService;
  readonly link: MeasurementLink;
  readonly resources: RelayResources;
  readonly rateHz: number;
  readonly timeoutMs: number;
}

/**
 * Blocks on the real relay: each switch restarts it under the candidate's overrides (tried, never
 * saved: RelayService.setTrialOverrides), and each block runs a fresh probe under the candidate's
 * placement: with the relay's own wrappers (as the live probe runs), or pinned to the other CPUs.
 */
export function liveRunner(options: LiveRunnerOptions): BlockRunner {
  const { relay } = options;
  return {
    async switchTo(candidate, signal) {
      relay.setTrialOverrides(candidate.overrides);
      await relay.restart();
      // A restart can resolve while the relay still catches up with its upstream: wait for it.
      const until = Date.now() + READY_WAIT_MS;
      while (relay.probeTarget() === null && Date.now() < until && !signal.aborted) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async probe(candidate, count, signal) {
      const target = relay.probeTarget();
      if (!target) {
        throw new ApiError(
          'NOT_RUNNING',
          `The relay did not become ready under “${candidate.label}”; see Logs. Tuning stopped.`,
        );
      }
      const samples: ProbeSample[] = [];
      const probe = new ProbeProcess({
        execPath: options.resources.execPath,
        script: options.resources.probeScript,
        argvPrefix: probePrefix(target.argvPrefix, candidate),
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
      const startedAt = Date.now();
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
          timer = setTimeout(finish, blockDeadlineMs(count, options.rateHz));
          probe.on('samples', (batch) => {
            samples.push(...batch.slice(0, count - samples.length));
            if (samples.length >= count) finish();
          });
          probe.start();
        });
      } finally {
        clearTimeout(timer);
        await stopEvenIfStarved(probe, relay);
      }
      return padStalled(samples, count, startedAt, options.rateHz, options.timeoutMs);
    },
  };
}

/**
 * The probe's wrappers: the relay's own (taskset, chrt, nice, outermost first), or for a probe placed
 * apart, the same scheduling and priority on the other CPUs (the relay's taskset swapped for ours).
 */
export function probePrefix(relayPrefix: readonly string[], candidate: TuneCandidate): string[] {
  if (candidate.probe !== 'apart' || candidate.probeCpus === null) return [...relayPrefix];
  const first = relayPrefix[0];
  const pinned = first !== undefined && /(^|[\\/])taskset$/.test(first);
  const tasksetPath = pinned ? first : 'taskset';
  const rest = pinned ? relayPrefix.slice(3) : relayPrefix;
  return [tasksetPath, '-c', candidate.probeCpus, ...rest];
}

/**
 * A block gets three times its nominal time and 5 s more; a plan that stalls the probe longer has
 * failed. Generous on purpose: the panel itself may be starved by a real-time relay and probe on both
 * cores, and then samples arrive late although the probe measured them in time.
 */
export function blockDeadlineMs(count: number, rateHz: number): number {
  return Math.round((3 * count * 1000) / rateHz) + 5000;
}

/**
 * A block that ran out of time: the probes it never got to send count as timeouts, so a plan that
 * stalls the relay or its probe (a real-time probe spinning on the relay's only core does) is charged
 * for it instead of being measured on the few probes that got through.
 */
export function padStalled(
  samples: readonly ProbeSample[],
  count: number,
  startedAt: number,
  rateHz: number,
  timeoutMs: number,
): ProbeSample[] {
  const missing = Math.max(0, count - samples.length);
  const padded: ProbeSample[] = [...samples];
  for (let i = 0; i < missing; i++) {
    padded.push([startedAt + ((samples.length + i) * 1000) / rateHz, timeoutMs, false, 0]);
  }
  return padded;
}

/**
 * A probe starved of CPU (a real-time relay spinning on the core it is pinned to) cannot even act on
 * SIGKILL until it runs. If it has not gone after a few seconds, the relay is killed to free the
 * core; the next switch starts it again.
 */
async function stopEvenIfStarved(probe: ProbeProcess, relay: RelayService): Promise<void> {
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
