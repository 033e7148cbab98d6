import { z } from 'zod';

/**
 * What this machine and user let a launch plan ask for. The main process probes it
 * (electron/services/launch/probe.ts); the planner and the UI's preview only read it, so both come
 * to the same plan from the same facts.
 */

/** The values of Node's `process.platform`, spelled out so this module needs no Node types. */
export const PLATFORMS = [
  'aix',
  'android',
  'darwin',
  'freebsd',
  'haiku',
  'linux',
  'openbsd',
  'sunos',
  'win32',
  'cygwin',
  'netbsd',
] as const;
export const Platform = z.enum(PLATFORMS);
export type Platform = z.infer<typeof Platform>;

export const TOOLS = ['taskset', 'chrt', 'nice', 'powershell'] as const;
export type Tool = (typeof TOOLS)[number];
export type Refusable = 'lowerNiceness' | 'realtime' | Tool;

const toolPath = z.string().max(4096).nullable();

export const Capabilities = z.object({
  platform: Platform,
  /** CPU ids the panel itself may run on; a plan pins the relay only within these. */
  cpus: z.array(z.number().int().nonnegative()).max(4096).readonly(),
  /** The panel's own niceness: children inherit it and `nice -n` adjusts relative to it. */
  baseNice: z.number().int(),
  /** May start a child at a lower niceness than the panel's (on Windows: raise its priority class). */
  canLowerNiceness: z.boolean(),
  /** Lowest niceness a child may be given; baseNice when it cannot lower. */
  niceFloor: z.number().int(),
  canRealtime: z.boolean(),
  /** Highest SCHED_FIFO priority permitted; 0 when canRealtime is false. */
  rtPriorityMax: z.number().int().nonnegative(),
  /** Absolute paths of the helper binaries this platform uses, null when absent. */
  tools: z.object({ taskset: toolPath, chrt: toolPath, nice: toolPath, powershell: toolPath }).readonly(),
  /** Why a capability is refused or a tool is missing, in words the UI shows as they are. */
  reasons: z
    .object({
      lowerNiceness: z.string().max(1000),
      realtime: z.string().max(1000),
      taskset: z.string().max(1000),
      chrt: z.string().max(1000),
      nice: z.string().max(1000),
      powershell: z.string().max(1000),
    })
    .partial()
    .readonly(),
});
export type Capabilities = z.infer<typeof Capabilities>;

export const TOOL_HINTS: Readonly<Record<Tool, string>> = {
  taskset: 'taskset not found (install util-linux)',
  chrt: 'chrt not found (install util-linux)',
  nice: 'nice not found (install coreutils)',
  powershell: 'powershell not found (needed to set ProcessorAffinity)',
};
