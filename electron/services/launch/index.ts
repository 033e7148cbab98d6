/** Launch plans: tier → argv/env with OS priority and affinity, applied, read back and reported. */
// The pure planner and its types live in shared/launch (the renderer's preview runs it too).
export { decideCapabilities, niceAttemptTarget } from './capabilities';
export type { ProbeFacts } from './capabilities';
export { TOOL_HINTS } from '../../../shared/launch/capabilities';
export type { Capabilities, Refusable, Tool } from '../../../shared/launch/capabilities';
export { gatherFacts, probeCapabilities, resetCapabilitiesCache, defaultProbeDeps } from './probe';
export type { ProbeDeps } from './probe';
export { planLaunch } from '../../../shared/launch/plan';
export { NICENESS, FIFO_PRIORITY, validateOverrides } from '../../../shared/launch/plan-os';
export type {
  LaunchPlan,
  LaunchTarget,
  PlanInput,
  PostSpawnStep,
  RequestedItem,
  Ungranted,
} from '../../../shared/launch/plan-types';
export { applyPostSpawn, defaultApplyDeps } from './apply';
export type { ApplyDeps, StepResult } from './apply';
export { awaitExec, readBack, linuxValues, formatScheduling, defaultReadBackDeps } from './readback';
export type { OsItemName, OsReadBack, ReadBackDeps, ReadBackOptions, ThreadProc } from './readback';
export { buildLaunchReport, withProbeReadBack } from './report';
export { goRuntimeValues, memoryLimitText, withRuntimeReadBack } from './runtime-readback';
export type { AppliedState, ProbeReadBack, RelayKnobs } from './report';
export { parseStat, parseCpusAllowedList, statusField, hasCapSysNice, softLimit } from './procfs';
export { formatCpuList, parseCpuList } from '../../../shared/launch/cpus';
export { LaunchError } from '../../../shared/launch/launch-error';
export type { LaunchErrorCode } from '../../../shared/launch/launch-error';
