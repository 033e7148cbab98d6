/** Launch plans: tier → argv/env with OS priority and affinity, applied, read back and reported. */
export { decideCapabilities, niceAttemptTarget, TOOL_HINTS } from './capabilities';
export type { Capabilities, ProbeFacts, Refusable, Tool } from './capabilities';
export { gatherFacts, probeCapabilities, resetCapabilitiesCache, defaultProbeDeps } from './probe';
export type { ProbeDeps } from './probe';
export { planLaunch } from './plan';
export { NICENESS, FIFO_PRIORITY, validateOverrides } from './plan-os';
export type {
  LaunchPlan,
  LaunchTarget,
  PlanInput,
  PostSpawnStep,
  RequestedItem,
  Ungranted,
} from './plan-types';
export { applyPostSpawn, defaultApplyDeps } from './apply';
export type { ApplyDeps, StepResult } from './apply';
export { awaitExec, readBack, linuxValues, formatScheduling, defaultReadBackDeps } from './readback';
export type { OsItemName, OsReadBack, ReadBackDeps, ReadBackOptions, ThreadProc } from './readback';
export { buildLaunchReport } from './report';
export type { AppliedState, RelayKnobs } from './report';
export { parseStat, parseCpusAllowedList, statusField, hasCapSysNice, softLimit } from './procfs';
export { formatCpuList, parseCpuList } from './cpus';
export { LaunchError } from './errors';
export type { LaunchErrorCode } from './errors';
