import { useEffect, useState, type FormEvent } from 'react';
import type { Settings } from '../../shared/settings';
import { SaveState } from '../components/form/Field';
import { ApiSection } from '../components/settings/ApiSection';
import { MeasurementSection } from '../components/settings/MeasurementSection';
import { RelaySourceSection } from '../components/settings/RelaySourceSection';
import { StartupSection } from '../components/settings/StartupSection';
import { UpstreamSection } from '../components/settings/UpstreamSection';
import { formatClock } from '../format';
import type { FieldErrors } from '../lib/error-text';
import {
  fromSettings,
  isDirty,
  RESTART_SECTIONS,
  toPatch,
  type SettingsDraft,
} from '../settings/settings-form';
import { isActive } from '../store/relay-store';
import { useRelayStore, useSettingsStore } from '../stores';

type Outcome =
  | { kind: 'saved'; at: number; needsRestart: boolean; appliedNow: boolean }
  | { kind: 'error'; message: string }
  | null;

function SettingsForm({ saved }: { saved: Settings }) {
  const save = useSettingsStore((s) => s.save);
  const relayActive = useRelayStore((s) => isActive(s.status));
  const restart = useRelayStore((s) => s.run);
  const [draft, setDraft] = useState<SettingsDraft>(() => fromSettings(saved));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saving, setSaving] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  // Settings reloaded underneath (view reopened, saved elsewhere): follow them unless mid-edit.
  const [base, setBase] = useState(saved);
  if (base !== saved) {
    setBase(saved);
    if (!isDirty(draft, base)) setDraft(fromSettings(saved));
  }
  const dirty = isDirty(draft, saved);

  const edit = (patch: Partial<SettingsDraft>, paths: string[] = []) => {
    setDraft((d) => ({ ...d, ...patch }));
    setOutcome(null);
    if (paths.length > 0) {
      setErrors((e) => Object.fromEntries(Object.entries(e).filter(([key]) => !paths.includes(key))));
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = toPatch(draft, saved);
    if (!result.ok) {
      setErrors(result.errors);
      setOutcome({ kind: 'error', message: 'Fix the highlighted fields; nothing was saved.' });
      return;
    }
    if (result.changed.length === 0) return;
    setSaving(true);
    const reply = await save(result.patch);
    setSaving(false);
    if (reply.ok) {
      setDraft(fromSettings(reply.settings));
      setErrors({});
      setOutcome({
        kind: 'saved',
        at: Date.now(),
        needsRestart: relayActive && result.changed.some((key) => RESTART_SECTIONS.has(key)),
        appliedNow: result.changed.some((key) => key === 'probe' || key === 'retention'),
      });
    } else {
      setErrors(reply.fieldErrors);
      setOutcome({ kind: 'error', message: reply.message });
    }
  };

  const sectionProps = { draft, errors, edit };
  return (
    <form className="settings-form" onSubmit={(e) => void submit(e)} noValidate data-testid="settings-form">
      <div className="settings-grid">
        <RelaySourceSection {...sectionProps} />
        <UpstreamSection {...sectionProps} />
        <ApiSection {...sectionProps} />
        <MeasurementSection {...sectionProps} />
        <StartupSection {...sectionProps} />
      </div>
      <div className="form-actions sticky-actions">
        <button type="submit" className="primary" disabled={saving || !dirty}>
          {saving ? 'Saving…' : 'Save settings'}
        </button>
        <button
          type="button"
          disabled={saving || !dirty}
          onClick={() => {
            setDraft(fromSettings(saved));
            setErrors({});
            setOutcome(null);
          }}
        >
          Revert
        </button>
        <SaveState
          saving={saving}
          dirty={dirty}
          savedAt={outcome?.kind === 'saved' ? formatClock(outcome.at) : null}
          error={outcome?.kind === 'error' ? outcome.message : null}
        />
        {outcome?.kind === 'error' && (
          <span className="inline-error" role="alert">
            {outcome.message}
          </span>
        )}
        {outcome?.kind === 'saved' && outcome.appliedNow && !dirty && (
          <span className="hint" role="status" data-testid="settings-applied-now">
            Probe rate and retention took effect on save: the probe restarted at the new rate, old history
            past the new retention was removed.
          </span>
        )}
        {outcome?.kind === 'saved' && outcome.needsRestart && !dirty && (
          <span className="hint" role="status">
            The running relay uses the old values until it restarts.{' '}
            <button type="button" className="link" onClick={() => void restart('restart')}>
              Restart now
            </button>
          </span>
        )}
      </div>
    </form>
  );
}

export function SettingsView() {
  const settings = useSettingsStore((s) => s.settings);
  const loadError = useSettingsStore((s) => s.loadError);
  const load = useSettingsStore((s) => s.load);
  const connected = useRelayStore((s) => s.connected);
  useEffect(() => {
    if (connected) void load();
  }, [connected, load]);
  return (
    <section className="settings-view" aria-label="Settings">
      {loadError && (
        <p className="inline-error" role="alert">
          Could not load settings: {loadError}{' '}
          <button type="button" className="link" onClick={() => void load()}>
            Retry
          </button>
        </p>
      )}
      {settings ? (
        <SettingsForm saved={settings} />
      ) : (
        !loadError && <p className="muted">Loading settings…</p>
      )}
    </section>
  );
}
