import path from 'node:path';
import { ApiError } from '../../../shared/api';
import { targetKind } from '../../../shared/launch';
import { findProfile } from '../../../shared/profile';
import {
  estimateText,
  type TuneApplyRequest,
  type TuneApplyResult,
  type TunePlan,
  type TuneProgress,
  type TuneRequest,
  type TuneResult,
  type TuneRunSummary,
} from '../../../shared/tuning';
import { probeCapabilities } from '../launch';
import type { MeasurementLink } from '../measurement-link';
import type { SettingsStore } from '../settings/settings-store';
import type { RelayResources, RelayService } from '../supervisor/relay-service';
import { machineDifference, machineIdentity } from './machine';
import { planTuning, runTuning, type TuningDeps } from './run-tuning';
import { TuningStore } from './tuning-store';

export interface TuningServiceOptions {
  readonly dataDir: string;
  readonly relay: RelayService;
  readonly link: MeasurementLink;
  readonly settings: SettingsStore;
  readonly resources: RelayResources;
  readonly onProgress: (progress: TuneProgress) => void;
  /** Whether another experiment (the SLA test) has the relay; tuning waits its turn. */
  readonly busy: () => boolean;
}

/** The API behind "Tune this machine": plan, run (one at a time), the last run here, apply. */
export function createTuningService(options: TuningServiceOptions) {
  const store = new TuningStore(path.join(options.dataDir, 'tuning-runs.json'));
  const deps: TuningDeps = { ...options, store };
  let running = false;

  const here = async () =>
    machineIdentity(await probeCapabilities(), targetKind(options.settings.get().relay));

  return {
    store,
    get running() {
      return running;
    },

    async plan(request: TuneRequest): Promise<TunePlan> {
      const plan = await planTuning(request, deps);
      return { tier: request.tier, ...plan, estimate: estimateText(plan.design) };
    },

    async run(request: TuneRequest, signal: AbortSignal): Promise<TuneResult> {
      if (running) throw new ApiError('BUSY', 'Tuning is already running; wait for it or cancel it.');
      if (options.busy()) throw new ApiError('BUSY', 'An SLA test is running; tune once it has finished.');
      running = true;
      try {
        return await runTuning(request, { ...deps, signal, onProgress: options.onProgress });
      } finally {
        running = false;
      }
    },

    async last(): Promise<TuneRunSummary> {
      const result = store.latest();
      if (!result) return { result: null, otherMachine: null };
      const difference = machineDifference(result.machine, await here());
      return difference === null
        ? { result, otherMachine: null }
        : { result: null, otherMachine: difference };
    },

    async apply(request: TuneApplyRequest): Promise<TuneApplyResult> {
      const run = store.find(request.id);
      if (!run) throw new ApiError('INVALID_PARAMS', 'That tuning run is not stored here; run it again.');
      const difference = machineDifference(run.machine, await here());
      if (difference !== null)
        throw new ApiError(
          'INVALID_PARAMS',
          `Not applied: this run was ${difference}. Tune this machine first.`,
        );
      if (run.recommendation.kind !== 'apply')
        throw new ApiError(
          'INVALID_PARAMS',
          'This run recommends keeping the tier default: nothing to apply.',
        );
      const { tier } = run.request;
      const overrides = run.recommendation.overrides;
      const settings = options.settings.get();
      if (request.as === 'profile') {
        const name = request.name!;
        const clash = findProfile(settings.profiles, name);
        if (clash)
          throw new ApiError(
            'PROFILE_INVALID',
            `A profile named "${clash.name}" already exists; choose another name.`,
          );
        options.settings.update({
          profiles: { ...settings.profiles, list: [...settings.profiles.list, { name, tier, overrides }] },
        });
        return { tier, overrides, message: `Saved as profile "${name}" (${tier}); apply it from Settings.` };
      }
      options.settings.update({ overrides: { ...settings.overrides, [tier]: overrides } });
      // A relay running this tier restarts under the new plan now, as a tier switch does.
      const live = settings.tier === tier && options.relay.relay.isActive;
      if (live) await options.relay.restart();
      return {
        tier,
        overrides,
        message: `Applied to ${tier}${live ? '; the relay restarted under the new plan' : ''}. Run an SLA test to confirm it.`,
      };
    },
  };
}

export type TuningService = ReturnType<typeof createTuningService>;
