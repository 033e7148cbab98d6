import { KNOB_ENV } from '../../../shared/knobs';
import type { LaunchPlan } from '../../../shared/launch/plan-types';
import type { GoRuntimeReport, KnobReport } from '../../../shared/relay-contract';
import type { RelayKnobs } from './report';

/**
 * A Go relay's own runtime read-back (/health `runtime`) as knob reports, so Optimizations shows the
 * requested GOGC, GOMAXPROCS and GOMEMLIMIT beside what the Go runtime says it runs with, not beside
 * an echo of the environment.
 */

const MIB = 1024 * 1024;
/** math.MaxInt64 arrives as 2^63 after JSON.parse; anything this large is Go's "no limit". */
const NO_LIMIT_FROM = 2 ** 62;

/** Bytes in the plan's notation ("256MiB"), or "none" for Go's no-limit. */
export function memoryLimitText(bytes: number): string {
  if (bytes >= NO_LIMIT_FROM) return 'none';
  return bytes % MIB === 0 ? `${bytes / MIB}MiB` : `${bytes}B`;
}

/** GOGC as the runtime reports it: gogc or gc_percent, where any negative value (-1) is "off". */
export function goGcText(runtime: GoRuntimeReport): string | undefined {
  const value = runtime.gogc ?? runtime.gc_percent;
  if (value === undefined) return undefined;
  return value === 'off' || value < 0 ? 'off' : String(value);
}

/** What the runtime reports for each Go knob, in the plan's notation; absent fields stay absent. */
export function goRuntimeValues(runtime: GoRuntimeReport | undefined): Partial<Record<string, string>> {
  if (runtime === undefined) return {};
  const values: Record<string, string> = {};
  if (runtime.memory_limit !== undefined) values[KNOB_ENV.goMemLimit] = memoryLimitText(runtime.memory_limit);
  const gc = goGcText(runtime);
  if (gc !== undefined) values[KNOB_ENV.goGc] = gc;
  if (runtime.gomaxprocs !== undefined) values[KNOB_ENV.goMaxProcs] = String(runtime.gomaxprocs);
  return values;
}

/**
 * The relay's knob reports with the runtime's read-back laid over the Go knobs the plan asked for:
 * the runtime's figure is the applied value; the relay's own reason is kept where it gave one.
 */
export function withRuntimeReadBack(
  plan: LaunchPlan,
  knobs: RelayKnobs | undefined,
  runtime: GoRuntimeReport | undefined,
): RelayKnobs | undefined {
  const values = goRuntimeValues(runtime);
  if (Object.keys(values).length === 0) return knobs;
  const merged: Record<string, KnobReport> = { ...knobs };
  for (const item of plan.requested) {
    const applied = values[item.name];
    if (applied === undefined) continue;
    const own = knobs?.[item.name];
    const reason =
      applied === item.requested
        ? undefined
        : (own?.reason ?? `requested ${item.requested}; the Go runtime reports ${applied} on /health`);
    merged[item.name] = { requested: item.requested, applied, ...(reason ? { reason } : {}) };
  }
  return merged;
}
