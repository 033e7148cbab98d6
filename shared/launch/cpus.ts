import { LaunchError } from './launch-error';

/**
 * CPU lists in the kernel's own notation ("0-1,4"), so a requested list can be compared as a string
 * with what /proc/PID/status reports in Cpus_allowed_list.
 */

/** Parses "2-3" or "0,2,5-7" into sorted unique CPU ids; throws LaunchError('parse') otherwise. */
export function parseCpuList(text: string): number[] {
  const ids = new Set<number>();
  const trimmed = text.trim();
  if (trimmed === '') throw new LaunchError('parse', 'empty CPU list');
  for (const part of trimmed.split(',')) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!match) throw new LaunchError('parse', `"${text}" is not a CPU list such as "2-3" or "0,2"`);
    const first = Number(match[1]);
    const last = match[2] === undefined ? first : Number(match[2]);
    if (last < first) throw new LaunchError('parse', `CPU range "${part}" runs backwards`);
    for (let id = first; id <= last; id++) ids.add(id);
  }
  return [...ids].sort((a, b) => a - b);
}

/** The kernel's canonical form: ascending, consecutive ids folded into ranges. */
export function formatCpuList(ids: readonly number[]): string {
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  const ranges: [number, number][] = [];
  for (const id of sorted) {
    const last = ranges.at(-1);
    if (last && id === last[1] + 1) last[1] = id;
    else ranges.push([id, id]);
  }
  return ranges.map(([first, end]) => (first === end ? `${first}` : `${first}-${end}`)).join(',');
}

/** Windows ProcessorAffinity bit mask; a bigint because 64 CPUs do not fit a double exactly. */
export function cpuMask(ids: readonly number[]): bigint {
  return ids.reduce((mask, id) => mask | (1n << BigInt(id)), 0n);
}

export function cpusFromMask(mask: bigint): number[] {
  const ids: number[] = [];
  for (let id = 0; mask >> BigInt(id) > 0n; id++) {
    if ((mask >> BigInt(id)) & 1n) ids.push(id);
  }
  return ids;
}
