import { ApiError } from '../../../shared/api';
import type { TuneCandidate } from '../../../shared/tuning';
import type { MeasurementLink } from '../measurement-link';
import { ProbeProcess } from '../probe/probe-process';
import { spinMsForTier, type ProbeSample } from '../probe/protocol';
import type { RelayResources, RelayService } from '../supervisor/relay-service';
import { cancelled, type BlockRunner } from './experiment';

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
    async switchTo(candidate) {
      relay.setTrialOverrides(candidate.overrides);
      await relay.restart();
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
      try {
        await new Promise<void>((resolve, reject) => {
          const onAbort = () => reject(cancelled());
          if (signal.aborted) return onAbort();
          signal.addEventListener('abort', onAbort, { once: true });
          probe.on('samples', (batch) => {
            samples.push(...batch.slice(0, count - samples.length));
            if (samples.length >= count) {
              signal.removeEventListener('abort', onAbort);
              resolve();
            }
          });
          probe.start();
        });
      } finally {
        await probe.stop();
      }
      return samples;
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
