import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/api';
import type { TuneCandidate, TuneResult } from '../../../shared/tuning';
import { tuningCandidates } from './candidates';
import { formatCpuList, probeCapabilities } from '../launch';
import type { MeasurementLink } from '../measurement-link';
import { SettingsStore } from '../settings/settings-store';
import type { RelayResources, RelayService } from '../supervisor/relay-service';
import { machineIdentity } from './machine';
import { syntheticTuneResult } from './test-support/synthetic';
import { createTuningService } from './tuning-service';

async function setup(better?: TuneCandidate) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sprint-tuning-service-'));
  const settings = new SettingsStore(path.join(dataDir, 'settings.json'));
  let restarts = 0;
  const relay = {
    relay: { isActive: true },
    restart: async () => {
      restarts++;
    },
  } as unknown as RelayService;
  const service = createTuningService({
    dataDir,
    relay,
    link: {} as MeasurementLink,
    settings,
    resources: {} as RelayResources,
    onProgress: () => undefined,
    busy: () => false,
  });
  const here = machineIdentity(await probeCapabilities(), 'builtin');
  const run: TuneResult = { ...(await syntheticTuneResult(5, better)), machine: here };
  return { service, settings, run, restarts: () => restarts };
}

const codeOf = (error: unknown) => (error instanceof ApiError ? error.code : String(error));

describe('applying a tuning run', () => {
  it('as overrides: the tier’s saved overrides become the recommendation; a live relay on it restarts', async () => {
    const { service, settings, run, restarts } = await setup();
    service.store.add(run);
    settings.update({ tier: 'enterprise' });
    const applied = await service.apply({ id: run.id, as: 'overrides' });
    expect(settings.get().overrides.enterprise).toEqual({ realtime: true });
    expect(applied.message).toMatch(
      /Applied to enterprise; the relay restarted .* Run an SLA test to confirm it\./,
    );
    expect(restarts()).toBe(1);
    expect((await service.last()).result?.id).toBe(run.id);
  });

  it('as a profile: saved beside the others, never replacing one of the same name', async () => {
    const { service, settings, run } = await setup();
    service.store.add(run);
    await service.apply({ id: run.id, as: 'profile', name: 'tuned here' });
    expect(settings.get().profiles.list.at(-1)).toEqual({
      name: 'tuned here',
      tier: 'enterprise',
      overrides: { realtime: true },
    });
    const clash = await service.apply({ id: run.id, as: 'profile', name: 'Production' }).catch(codeOf);
    expect(clash).toBe('PROFILE_INVALID');
    expect(settings.get().profiles.list.filter((p) => p.name.toLowerCase() === 'production')).toHaveLength(1);
  });

  it('the relay apart from the probe: both placements become the tier’s overrides, and travel in a profile', async () => {
    const caps = await probeCapabilities();
    const apart = tuningCandidates('enterprise', caps, 'builtin').candidates.find(
      (c) => c.id === 'affinity-apart',
    );
    // This machine has 2 CPUs or more (the brief's machines have 2): the candidate exists and applies.
    expect(apart?.applicable).toBe(true);
    const { service, settings, run } = await setup(apart);
    service.store.add(run);
    expect(run.recommendation).toMatchObject({ kind: 'apply', candidateId: 'affinity-apart' });
    settings.update({ tier: 'pro' });
    await service.apply({ id: run.id, as: 'overrides' });
    const half = Math.floor(caps.cpus.length / 2);
    const want = {
      cpus: formatCpuList(caps.cpus.slice(half)),
      probeCpus: formatCpuList(caps.cpus.slice(0, half)),
    };
    expect(settings.get().overrides.enterprise).toEqual(want);
    await service.apply({ id: run.id, as: 'profile', name: 'apart here' });
    expect(settings.get().profiles.list.at(-1)).toEqual({
      name: 'apart here',
      tier: 'enterprise',
      overrides: want,
    });
  });

  it('a run from another kernel is neither shown as this machine’s nor applied', async () => {
    const { service, settings, run } = await setup();
    const elsewhere = { ...run, machine: { ...run.machine, kernel: 'another-kernel' } };
    service.store.add(elsewhere);
    const last = await service.last();
    expect(last.result).toBeNull();
    expect(last.otherMachine).toMatch(/kernel linux another-kernel, here linux /);
    expect(await service.apply({ id: run.id, as: 'overrides' }).catch(codeOf)).toBe('INVALID_PARAMS');
    expect(settings.get().overrides.enterprise).toBeUndefined();
  });
});
