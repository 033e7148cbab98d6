import type { PlanItemName, TierOverrides } from './schema';
import type { TierName } from '../tiers';
import type { Capabilities, Platform } from './capabilities';

export type LaunchTarget =
  /** Our relay (or probe) script run by Electron's own Node. */
  | { readonly kind: 'builtin'; readonly execPath: string; readonly script: string }
  /** An external Bitcoin Sprint binary, spawned directly. */
  | { readonly kind: 'external'; readonly path: string };

export interface PlanInput {
  readonly tier: TierName;
  readonly overrides: TierOverrides;
  readonly platform: Platform;
  readonly capabilities: Capabilities;
  readonly target: LaunchTarget;
  /** Base environment (ports, keys, upstream...); the plan's own variables win over it. */
  readonly env: Readonly<Record<string, string>>;
  /** The seed's knob variables from the panel's own environment, validated; saved overrides win. */
  readonly environment?: TierOverrides;
}

/** One item as a plan part decides it, before the tier default is attached. */
export interface PlannedItem {
  readonly name: PlanItemName;
  readonly appliedBy: 'os' | 'relay';
  /** Same notation as read-back, so the two compare as strings: "nice -10", "cpus 2-3", "25". */
  readonly requested: string;
  readonly overridden: boolean;
}

export interface RequestedItem extends PlannedItem {
  /** What the tier alone would have asked for, shown beside an override. */
  readonly tierDefault: string;
  readonly source: 'tier' | 'environment' | 'override';
}

/** Something the plan asked for and already knows it cannot get (or get in full), and why. */
export interface Ungranted {
  readonly name: PlanItemName;
  readonly reason: string;
}

/** Windows applies priority and affinity after spawn; Linux and macOS never need these. */
export type PostSpawnStep =
  | { readonly kind: 'priority'; readonly value: number; readonly requested: string }
  /** `mask` is ProcessorAffinity in decimal (a string: it may exceed 2^53), set through PowerShell. */
  | {
      readonly kind: 'affinity';
      readonly mask: string;
      readonly powershell: string;
      readonly requested: string;
    };

export interface LaunchPlan {
  readonly tier: TierName;
  readonly platform: Platform;
  /** argv[0] of the spawn: the outermost wrapper, or the target itself. */
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /**
   * The SLA probe's exec wrappers, outermost first (taskset, chrt, nice): the relay's scheduling and
   * priority, on the probe's CPUs (probeCpus) or the relay's. The live probe, the SLA test and the
   * tuning experiment all run the probe under these, so an experiment runs it as its application will.
   */
  readonly probePrefix: readonly string[];
  /** The executable the wrappers finally exec into; read-back waits until the PID runs it. */
  readonly execTarget: string;
  readonly requested: readonly RequestedItem[];
  readonly ungranted: readonly Ungranted[];
  readonly postSpawn: readonly PostSpawnStep[];
  /** What the plan was decided from, carried into the report so a preview can plan alike. */
  readonly capabilities: Capabilities;
  readonly targetKind: LaunchTarget['kind'];
}
