import type { BlockRelayed, ProbeStatus } from '../../../shared/metrics';
import type { TierName } from '../../../shared/tiers';
import type { RawSample } from '../history/types';
import { ProbeProcess } from '../probe/probe-process';
import { spinMsForTier } from '../probe/protocol';

/**
 * The probe runs its own code (its wrappers have exec'd onward: its placement can be read back from
 * `pid`), or it died before it got there (`failure`: the last words on its stderr, e.g. taskset
 * refusing a CPU list).
 */
export type ProbeLaunch = { readonly pid: number } | { readonly failure: string };

/** The relay the probe measures (the measurement service's AttachTarget has all of it). */
export interface LiveProbeTarget {
  readonly apiUrl: string;
  readonly key: string;
  readonly tier: TierName;
  /** The relay launch plan's probe wrappers (taskset, chrt, nice). */
  readonly argvPrefix: readonly string[];
  readonly demoPeerUrl?: string | null;
}

export interface LiveProbeOptions {
  readonly execPath: string;
  readonly probeScript: string;
  readonly probeEnv: NodeJS.ProcessEnv;
  readonly rateHz: number;
  readonly timeoutMs: number;
}

/** What the live probe reports to the measurement service. */
export interface LiveProbeHandlers {
  samples(samples: readonly RawSample[]): void;
  block(block: BlockRelayed): void;
  warning(message: string): void;
  /** Its wrappers have exec'd onward and it runs its own code, or it died before it got there. */
  launched(launch: ProbeLaunch): void;
  /** An unexpected exit after it ran (the supervisor restarts it). */
  crashed(details: Record<string, unknown>): void;
  /** Its state or stream connection changed: the status line's part of each tick. */
  status(change: Partial<ProbeStatus>): void;
}

/**
 * The probe beside a ready relay, started under the relay plan's wrappers (so it runs with the
 * relay's priority and affinity) and wired to the service's handlers.
 */
export function startLiveProbe(
  options: LiveProbeOptions,
  target: LiveProbeTarget,
  handlers: LiveProbeHandlers,
): ProbeProcess {
  const probe = new ProbeProcess({
    execPath: options.execPath,
    script: options.probeScript,
    argvPrefix: target.argvPrefix,
    env: options.probeEnv,
    apiUrl: target.apiUrl,
    key: target.key,
    rateHz: options.rateHz,
    timeoutMs: options.timeoutMs,
    demoPeerUrl: target.demoPeerUrl ?? null,
    spinMs: spinMsForTier(target.tier),
  });
  probe.on('samples', handlers.samples);
  probe.on('block', handlers.block);
  probe.on('warning', handlers.warning);
  // Placement can be read back only once the probe's own code runs; until then /proc shows a wrapper.
  let running = false;
  probe.on('exit', (exit) => {
    const started = running;
    running = false;
    if (exit.expected) return;
    if (!started) {
      const said = exit.stderrTail.filter((line) => line.trim() !== '').at(-1);
      const how = exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
      handlers.launched({ failure: `the probe exited (${how}) before it ran${said ? `: ${said}` : ''}` });
    }
    handlers.crashed({
      code: exit.code,
      signal: exit.signal,
      restartInMs: exit.restartInMs,
      stderr: exit.stderrTail.slice(-5),
    });
  });
  probe.on('state', (state) => {
    handlers.status({ state, since: Date.now() });
    const pid = probe.pid;
    if (state === 'waiting-for-block' && !running && pid !== null) {
      running = true;
      handlers.launched({ pid });
    }
  });
  // A new probe starts off the stream: until it says it is on, blocks relayed are not seen.
  handlers.status({ blockStream: false });
  probe.on('stream', (connected) => handlers.status({ blockStream: connected }));
  probe.start();
  return probe;
}
