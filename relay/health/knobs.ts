import os from 'node:os';
import v8 from 'node:v8';
import type { NodeRelayKnobName } from '../../shared/knobs';
import type { KnobReport } from '../../shared/relay-contract';
import { RELAY_ENV } from '../../shared/relay-contract';
import type { KnobConfig } from './knob-config';

export interface KnobOutcome {
  readonly knobs: Record<string, KnobReport>;
  /** Cores the relay may use: min(MAX_CPU_CORES, what the machine offers). */
  readonly cpuCores: number;
}

function describe(err: unknown): string {
  if (err instanceof Error) return `${(err as NodeJS.ErrnoException).code ?? err.name}: ${err.message}`;
  return String(err);
}

/** Raises the priority only upward, and says honestly what Linux does with a per-process call. */
function applyHighPriority(requested: boolean): KnobReport {
  if (!requested) return { requested, applied: false };
  const target = os.constants.priority.PRIORITY_HIGH;
  const before = os.getPriority(0);
  if (before <= target) {
    return { requested, applied: true, reason: `niceness already ${before}, set by the launcher` };
  }
  try {
    os.setPriority(0, target);
    const after = os.getPriority(0);
    const linux =
      process.platform === 'linux'
        ? '; on Linux this reaches the main thread only (threads started earlier keep their niceness)'
        : '';
    return {
      requested,
      applied: after <= target,
      reason: `niceness ${before} -> ${after} via setpriority${linux}`,
    };
  } catch (err) {
    return {
      requested,
      applied: false,
      reason: `setpriority refused (${describe(err)}); raising priority needs privilege (CAP_SYS_NICE or admin), the launch plan may grant it`,
    };
  }
}

const MIB = 1024 * 1024;

/** One semi-space of V8's young generation as it runs now, in MiB (new space's current capacity). */
export function semiSpaceMiB(): number | null {
  const space = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  return space === undefined ? null : Math.round((space.space_size / MIB) * 100) / 100;
}

/**
 * V8 reads its heap flags once, before any script runs: the relay cannot set the semi-space itself.
 * The launch plan passes --min- and --max-semi-space-size alike, so new space starts (and stays) at
 * the requested size, and its current capacity is the read-back.
 */
export function semiSpaceReport(requested: number | null, runningMiB: number | null): KnobReport {
  if (requested === null) return { requested: null, applied: null };
  if (runningMiB === requested) return { requested, applied: runningMiB };
  return {
    requested,
    applied: runningMiB,
    reason:
      runningMiB === null
        ? 'V8 reports no new space'
        : `V8 runs with a ${runningMiB} MiB semi-space; the size is set only by --min-semi-space-size and --max-semi-space-size in node's argv at start, which the panel's launch plan passes`,
  };
}

/**
 * Applies each runtime knob the way Node can, and reports requested beside applied. Several Go knobs
 * have no Node counterpart: those say so instead of pretending.
 */
export function applyKnobs(config: KnobConfig): KnobOutcome {
  const available = os.availableParallelism();
  const cpuCores = Math.min(config.maxCpuCores ?? available, available);
  // libuv reads this when its pool first starts; main.ts calls us before any async fs or dns work.
  // A launcher's explicit UV_THREADPOOL_SIZE wins; without MAX_CPU_CORES libuv keeps its default of 4.
  if (config.maxCpuCores !== null && process.env.UV_THREADPOOL_SIZE === undefined) {
    process.env.UV_THREADPOOL_SIZE = String(cpuCores);
  }
  const poolSize = process.env.UV_THREADPOOL_SIZE ?? '4, the libuv default,';

  // Keyed by every knob it reads (shared/knobs.ts): a new row does not compile until it is reported here.
  const knobs: Record<NodeRelayKnobName, KnobReport> = {
    [RELAY_ENV.gcPercent]:
      config.gcPercent === null
        ? { requested: null, applied: null }
        : {
            requested: config.gcPercent,
            applied: null,
            reason:
              'not applicable in Node: V8 has no GC percentage (Go GOGC) and no off switch (its young generation is set by V8_SEMI_SPACE_MIB)',
          },
    [RELAY_ENV.maxCpuCores]: {
      requested: config.maxCpuCores,
      applied: cpuCores,
      reason: `JavaScript runs on one main thread; libuv thread pool (UV_THREADPOOL_SIZE) ${poolSize} on ${available} available cores; affinity is set by the launch plan`,
    },
    [RELAY_ENV.highPriority]: applyHighPriority(config.highPriority),
    [RELAY_ENV.lockOsThread]: config.lockOsThread
      ? {
          requested: true,
          applied: false,
          reason:
            'no Node equivalent of Go runtime.LockOSThread; JavaScript already runs on a single main thread',
        }
      : { requested: false, applied: false },
    [RELAY_ENV.preallocBuffers]: {
      requested: config.preallocBuffers,
      applied: config.preallocBuffers,
      ...(config.preallocBuffers
        ? { reason: '/v1/btc/latest served from a response encoded once per block' }
        : {}),
    },
    [RELAY_ENV.optimizeSystem]: config.optimizeSystem
      ? {
          requested: true,
          applied: true,
          reason:
            'process level only: TCP keep-alive on upstream sockets, 60 s HTTP keep-alive; no system-wide (sysctl) changes',
        }
      : { requested: false, applied: false },
    [RELAY_ENV.v8SemiSpaceMiB]: semiSpaceReport(config.semiSpaceMiB, semiSpaceMiB()),
  };
  return { knobs, cpuCores };
}
