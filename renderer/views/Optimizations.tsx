import { KnobTable } from '../components/optimizations/KnobTable';
import { OverrideEditor } from '../components/optimizations/OverrideEditor';
import { ProfilesCard } from '../components/optimizations/ProfilesCard';
import { SourcesTable } from '../components/optimizations/SourcesTable';
import { TuneCard } from '../components/optimizations/TuneCard';
import { targetKind } from '../../shared/launch';
import { knobRows } from '../optimizations/plan-preview';
import { runningTier } from '../optimizations/restart-note';
import { isActive } from '../store/relay-store';
import { useProfileStore, useRelayStore, useSettingsStore } from '../stores';

export function Optimizations() {
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
