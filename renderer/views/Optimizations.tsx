import { KnobTable } from '../components/optimizations/KnobTable';
import { OverrideEditor } from '../components/optimizations/OverrideEditor';
import { ProfilesCard } from '../components/optimizations/ProfilesCard';
import { SourcesTable } from '../components/optimizations/SourcesTable';
import { TuneCard } from '../components/optimizations/TuneCard';
import { useEffect, useState } from 'react';
import { targetKind, type Capabilities } from '../../shared/launch';
import { api } from '../api/client';
import { knobRows } from '../optimizations/plan-preview';
import { runningTier } from '../optimizations/restart-note';
import { isActive } from '../store/relay-store';
import { useProfileStore, useRelayStore, useSettingsStore } from '../stores';

/** This machine's launch capabilities, asked once: the preview plans with them before any start. */
function useMachineCapabilities(): Capabilities | null {
  const [machine, setMachine] = useState<Capabilities | null>(null);
  useEffect(() => {
    let live = true;
    api
      .call('launch.capabilities', {})
      .then((c) => live && setMachine(c))
      .catch(() => undefined); // an older panel: the preview says what it assumes
    return () => {
      live = false;
    };
  }, []);
  return machine;
}

export function Optimizations() {
  const machine = useMachineCapabilities();
  const status = useRelayStore((s) => s.status);
  const settings = useSettingsStore((s) => s.settings);
  const overrides = settings?.overrides;
  const profileState = useProfileStore((s) => s.state);
  const tier = status?.tier ?? 'free';
  const { rows, source, assumed } = knobRows(
    tier,
    status?.launch ?? null,
    overrides?.[tier],
    profileState?.environment.values,
    settings ? targetKind(settings.relay) : 'builtin',
    machine,
  );
  return (
    <section className="optimizations" aria-label="Optimizations">
      <KnobTable
        tier={tier}
        rows={rows}
        source={source}
        assumed={assumed}
        report={status?.launch ?? null}
        running={isActive(status)}
      />
      <SourcesTable tier={tier} saved={overrides?.[tier]} state={profileState} />
      <TuneCard />
      <ProfilesCard />
      <OverrideEditor initialTier={runningTier(status)} />
    </section>
  );
}
