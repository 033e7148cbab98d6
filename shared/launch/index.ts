/**
 * Launch plans, defined once: the schemas of what a plan asked for and what was applied, and the pure
 * planner that turns (tier, overrides, platform, capabilities) into argv, environment and refusals.
 * The main process runs it with probed capabilities; the renderer runs it for its preview.
 */
export * from './schema';
export { Capabilities, Platform, PLATFORMS, TOOL_HINTS, TOOLS } from './capabilities';
export type { Refusable, Tool } from './capabilities';
export { planLaunch, targetKind } from './plan';
export { NICENESS, FIFO_PRIORITY, validateOverrides } from './plan-os';
export type {
  LaunchPlan,
  LaunchTarget,
  PlanInput,
  PlannedItem,
  PostSpawnStep,
  RequestedItem,
  Ungranted,
} from './plan-types';
export { formatCpuList, parseCpuList, cpuMask, cpusFromMask } from './cpus';
export { LaunchError } from './launch-error';
export type { LaunchErrorCode } from './launch-error';
