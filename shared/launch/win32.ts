import type { PriorityClass } from '../tiers';
import { cpuMask, cpusFromMask, formatCpuList } from './cpus';
import { LaunchError } from './launch-error';

/** Windows priority classes and ProcessorAffinity, in one notation for plan, apply and read-back. */

/**
 * Node's os.constants.priority (libuv's UV_PRIORITY_*), fixed by libuv on every platform; written out
 * so the planner needs no Node. electron/services/launch/win32-constants.test.ts checks them.
 */
export const PRIORITY = {
  PRIORITY_LOW: 19,
  PRIORITY_BELOW_NORMAL: 10,
  PRIORITY_NORMAL: 0,
  PRIORITY_ABOVE_NORMAL: -7,
  PRIORITY_HIGH: -14,
  PRIORITY_HIGHEST: -20,
} as const;
const P = PRIORITY;

/**
 * os.setPriority values per class. libuv maps PRIORITY_HIGHEST to REALTIME_PRIORITY_CLASS, which
 * Windows silently lowers to HIGH for a process without SeIncreaseBasePriorityPrivilege.
 */
export const WINDOWS_PRIORITY: Readonly<Record<PriorityClass, number>> = {
  normal: P.PRIORITY_NORMAL,
  'above-normal': P.PRIORITY_ABOVE_NORMAL,
  high: P.PRIORITY_HIGH,
  highest: P.PRIORITY_HIGHEST,
};

const CLASS_NAMES: ReadonlyMap<number, string> = new Map([
  [P.PRIORITY_HIGHEST, 'REALTIME'],
  [P.PRIORITY_HIGH, 'HIGH'],
  [P.PRIORITY_ABOVE_NORMAL, 'ABOVE_NORMAL'],
  [P.PRIORITY_NORMAL, 'NORMAL'],
  [P.PRIORITY_BELOW_NORMAL, 'BELOW_NORMAL'],
  [P.PRIORITY_LOW, 'IDLE'],
]);

/** "priority class HIGH" for what os.getPriority returns on Windows. */
export function windowsClassLabel(value: number): string {
  return `priority class ${CLASS_NAMES.get(value) ?? String(value)}`;
}

/** ProcessorAffinity is a signed pointer-sized integer, so CPU 63 makes it negative. */
export function affinityMaskText(cpus: readonly number[]): string {
  return BigInt.asIntN(64, cpuMask(cpus)).toString();
}

export function cpusFromAffinityText(text: string): string {
  const trimmed = text.trim();
  if (!/^-?\d+$/.test(trimmed))
    throw new LaunchError('parse', `ProcessorAffinity "${trimmed}" is not an integer`);
  return formatCpuList(cpusFromMask(BigInt.asUintN(64, BigInt(trimmed))));
}

const psArgs = (command: string) => ['-NoProfile', '-NonInteractive', '-Command', command];

export function setAffinityArgs(pid: number, mask: string): string[] {
  return psArgs(`(Get-Process -Id ${pid}).ProcessorAffinity = ${mask}`);
}

export function getAffinityArgs(pid: number): string[] {
  return psArgs(`(Get-Process -Id ${pid}).ProcessorAffinity.ToInt64()`);
}
