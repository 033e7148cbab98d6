import {
  TOOL_HINTS,
  type Capabilities,
  type Platform,
  type Refusable,
  type Tool,
} from '../../../shared/launch/capabilities';
import { hasCapSysNice, softLimit } from './procfs';
import { firstLine } from './run';

/**
 * What this machine and user let a launch plan ask for (shared/launch/capabilities.ts), decided from
 * probed facts by a pure function so every branch is unit-testable; probe.ts gathers the facts.
 */

/** Everything probe.ts observed; the only input the decision needs. */
export interface ProbeFacts {
  readonly platform: Platform;
  readonly cpus: readonly number[];
  readonly baseNice: number;
  readonly uid: number | null;
  readonly tools: Readonly<Record<Tool, string | null>>;
  /** /proc/self/limits and /proc/self/status on Linux, null elsewhere or when unreadable. */
  readonly limits: string | null;
  readonly status: string | null;
  /** A child started under `nice` at `target` reported `result` (null: it did not run or print). */
  readonly niceAttempt: {
    readonly target: number;
    readonly result: number | null;
    readonly stderr: string;
  } | null;
  /** `chrt -f 1 true`: whether SCHED_FIFO was actually granted. */
  readonly rtAttempt: { readonly ok: boolean; readonly stderr: string } | null;
}

const NICE_MIN = -20;
const RT_PRIORITY_MAX = 99;

/** Tools each platform's plans use; the others are irrelevant there, so never reported missing. */
const PLATFORM_TOOLS: Readonly<Partial<Record<Platform, readonly Tool[]>>> = {
  linux: ['taskset', 'chrt', 'nice'],
  darwin: ['nice'],
  win32: ['powershell'],
};

/** Root or CAP_SYS_NICE (the one capability both niceness and SCHED_FIFO need); null if unknown. */
function privileged(facts: Pick<ProbeFacts, 'uid' | 'status'>): boolean | null {
  if (facts.uid === 0) return true;
  return facts.status === null ? null : hasCapSysNice(facts.status);
}

/**
 * The niceness worth attempting: the lowest the kernel should allow (CAP_SYS_NICE: -20; otherwise
 * RLIMIT_NICE permits down to 20 - rlim), or one step below the panel's when that says "none", so
 * the attempt itself confirms the refusal rather than trusting the parse.
 */
export function niceAttemptTarget(
  facts: Pick<ProbeFacts, 'platform' | 'baseNice' | 'uid' | 'limits' | 'status'>,
): number {
  const oneBelow = Math.max(NICE_MIN, facts.baseNice - 1);
  if (facts.platform !== 'linux') return facts.uid === 0 ? NICE_MIN : oneBelow;
  if (privileged(facts) === true) return NICE_MIN;
  const rlim = facts.limits === null ? null : softLimit(facts.limits, 'Max nice priority');
  if (rlim === null) return NICE_MIN;
  const floor = Math.max(NICE_MIN, 20 - rlim);
  return floor < facts.baseNice ? floor : oneBelow;
}

function decideNiceness(facts: ProbeFacts): { can: boolean; floor: number; reason?: string } {
  const refused = (reason: string) => ({ can: false, floor: facts.baseNice, reason });
  if (facts.platform === 'win32') return { can: true, floor: NICE_MIN };
  if (facts.platform !== 'linux' && facts.platform !== 'darwin') {
    return refused(`priority is not managed on ${facts.platform}`);
  }
  if (facts.tools.nice === null) return refused(TOOL_HINTS.nice);
  if (facts.baseNice <= NICE_MIN) return refused(`the panel already runs at niceness ${NICE_MIN}`);
  const attempt = facts.niceAttempt;
  if (attempt !== null && attempt.result !== null && attempt.result < facts.baseNice) {
    return { can: true, floor: attempt.result };
  }
  if (facts.platform === 'darwin') return refused('needs root on macOS');
  if (privileged(facts) === true) {
    const said = attempt === null ? '' : `: ${firstLine(attempt.stderr)}`;
    return refused(`the OS refused nice ${attempt?.target ?? NICE_MIN} despite CAP_SYS_NICE${said}`);
  }
  const rlim = facts.limits === null ? null : softLimit(facts.limits, 'Max nice priority');
  return refused(`needs CAP_SYS_NICE or root (RLIMIT_NICE is ${rlim ?? 'unknown'})`);
}

function decideRealtime(facts: ProbeFacts): { can: boolean; max: number; reason?: string } {
  const refused = (reason: string) => ({ can: false, max: 0, reason });
  if (facts.platform === 'darwin') return refused('SCHED_FIFO is not offered on macOS');
  if (facts.platform === 'win32') {
    return refused(
      "SCHED_FIFO is Linux-only; on Windows priority 'highest' asks for REALTIME_PRIORITY_CLASS",
    );
  }
  if (facts.platform !== 'linux') return refused(`SCHED_FIFO is not managed on ${facts.platform}`);
  if (facts.tools.chrt === null) return refused(TOOL_HINTS.chrt);
  const rlim = facts.limits === null ? null : softLimit(facts.limits, 'Max realtime priority');
  if (facts.rtAttempt?.ok === true) {
    // The attempt used priority 1, so at least that is known to work whatever the parse says.
    const max =
      privileged(facts) === true ? RT_PRIORITY_MAX : Math.min(RT_PRIORITY_MAX, Math.max(1, rlim ?? 1));
    return { can: true, max };
  }
  if (privileged(facts) === true) {
    // Root can still be refused, e.g. in a container or cgroup given no real-time budget.
    return refused(
      `the OS refused SCHED_FIFO despite CAP_SYS_NICE: ${firstLine(facts.rtAttempt?.stderr ?? '')}`,
    );
  }
  return refused(`needs CAP_SYS_NICE or root (RLIMIT_RTPRIO is ${rlim ?? 'unknown'})`);
}

export function decideCapabilities(facts: ProbeFacts): Capabilities {
  const nice = decideNiceness(facts);
  const rt = decideRealtime(facts);
  const reasons: Partial<Record<Refusable, string>> = {};
  if (nice.reason !== undefined) reasons.lowerNiceness = nice.reason;
  if (rt.reason !== undefined) reasons.realtime = rt.reason;
  for (const tool of PLATFORM_TOOLS[facts.platform] ?? []) {
    if (facts.tools[tool] === null) reasons[tool] = TOOL_HINTS[tool];
  }
  return {
    platform: facts.platform,
    cpus: facts.cpus,
    baseNice: facts.baseNice,
    canLowerNiceness: nice.can,
    niceFloor: nice.floor,
    canRealtime: rt.can,
    rtPriorityMax: rt.max,
    tools: facts.tools,
    reasons,
  };
}
