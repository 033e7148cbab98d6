import os from 'node:os';
import type { LaunchPlan, PostSpawnStep } from '../../../shared/launch/plan-types';
import { firstLine, run, type Runner } from './run';
import { setAffinityArgs } from '../../../shared/launch/win32';

/**
 * Post-spawn steps (Windows only: Linux and macOS apply everything at exec through wrappers).
 * A failed step is a result with its reason, never a thrown error: the relay keeps running.
 */

export interface StepResult {
  readonly name: 'priority' | 'affinity';
  readonly requested: string;
  readonly ok: boolean;
  readonly reason?: string;
}

export interface ApplyDeps {
  readonly setPriority: (pid: number, priority: number) => void;
  readonly run: Runner;
}

export const defaultApplyDeps: ApplyDeps = {
  setPriority: (pid, priority) => os.setPriority(pid, priority),
  run,
};

async function applyStep(pid: number, step: PostSpawnStep, deps: ApplyDeps): Promise<StepResult> {
  if (step.kind === 'priority') {
    try {
      deps.setPriority(pid, step.value);
      return { name: 'priority', requested: step.requested, ok: true };
    } catch (error) {
      const reason = `setPriority failed: ${error instanceof Error ? error.message : String(error)}`;
      return { name: 'priority', requested: step.requested, ok: false, reason };
    }
  }
  const result = await deps.run(step.powershell, setAffinityArgs(pid, step.mask));
  if (result.code === 0) return { name: 'affinity', requested: step.requested, ok: true };
  const reason = `ProcessorAffinity failed: ${firstLine(result.stderr)}`;
  return { name: 'affinity', requested: step.requested, ok: false, reason };
}

/** Runs the plan's steps in order; priority first so the relay's warm-up already runs at it. */
export async function applyPostSpawn(
  pid: number,
  plan: Pick<LaunchPlan, 'postSpawn'>,
  deps: ApplyDeps = defaultApplyDeps,
): Promise<StepResult[]> {
  const results: StepResult[] = [];
  for (const step of plan.postSpawn) results.push(await applyStep(pid, step, deps));
  return results;
}
