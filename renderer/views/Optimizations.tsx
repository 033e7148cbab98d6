import { KnobTable } from '../components/optimizations/KnobTable';
import { OverrideEditor } from '../components/optimizations/OverrideEditor';
import { knobRows } from '../optimizations/plan-preview';
import { runningTier } from '../optimizations/restart-note';
import { isActive } from '../store/relay-store';
import { useRelayStore, useSettingsStore } from '../stores';

export function Optimizations() {
  const status = useRelayStore((s) => s.status);
  const overrides = useSettingsStore((s) => s.settings?.overrides);
  const tier = status?.tier ?? 'free';
  const { rows, source } = knobRows(tier, status?.launch ?? null, overrides?.[tier]);
  return (
    <section className="optimizations" aria-label="Optimizations">
      <KnobTable
        tier={tier}
        rows={rows}
        source={source}
        report={status?.launch ?? null}
        running={isActive(status)}
      />
      <OverrideEditor initialTier={runningTier(status)} />
    </section>
  );
}
