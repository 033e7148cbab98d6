import { useState, type FormEvent } from 'react';
import type { TierOverrides } from '../../../shared/launch';
import { TIER_NAMES, type TierName } from '../../../shared/tiers';
import { capitalize, formatClock } from '../../format';
import { errorsUnder, type FieldErrors } from '../../lib/error-text';
import {
  FIELD_SPECS,
  fromOverrides,
  isDirty,
  overrideCount,
  toOverrides,
  type OverrideDraft,
} from '../../optimizations/overrides-form';
import { needsRestartToApply } from '../../optimizations/restart-note';
import { useRelayStore, useSettingsStore } from '../../stores';
import { SaveState } from '../form/Field';
import { SegmentedControl } from '../SegmentedControl';
import { OverrideField } from './OverrideField';

type Outcome = { kind: 'saved'; at: number; tier: TierName } | { kind: 'error'; message: string } | null;

/**
 * Per-tier overrides, validated by the shared TierOverrides schema, saved with settings.set. Opens
 * on (and follows) the running tier until the user picks another.
 */
export function OverrideEditor({ initialTier }: { initialTier: TierName }) {
  const settings = useSettingsStore((s) => s.settings);
  const save = useSettingsStore((s) => s.save);
  const status = useRelayStore((s) => s.status);
  const restart = useRelayStore((s) => s.run);
  const [chosenTier, setTier] = useState<TierName | null>(null);
  const tier = chosenTier ?? initialTier;
  const [drafts, setDrafts] = useState<Partial<Record<TierName, OverrideDraft>>>({});
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saving, setSaving] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);

  const saved: TierOverrides | undefined = settings?.overrides[tier];
  const draft = drafts[tier] ?? fromOverrides(saved);
  const dirty = isDirty(draft, saved);

  const edit = (field: keyof OverrideDraft, value: string) => {
    setDrafts((d) => ({ ...d, [tier]: { ...draft, [field]: value } }));
    setOutcome(null);
    setErrors((e) => {
      const next = { ...e };
      delete next[field];
      return next;
    });
  };

  const selectTier = (next: TierName) => {
    setTier(next);
    setErrors({});
    setOutcome(null);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!settings) return;
    const checked = toOverrides(draft);
    if (!checked.ok) {
      setErrors(checked.errors);
      setOutcome({ kind: 'error', message: 'Fix the highlighted fields; nothing was saved.' });
      return;
    }
    const overrides = { ...settings.overrides };
    if (Object.keys(checked.value).length === 0) delete overrides[tier];
    else overrides[tier] = checked.value;
    setSaving(true);
    const result = await save({ overrides });
    setSaving(false);
    if (result.ok) {
      setDrafts((d) => ({ ...d, [tier]: undefined }));
      setErrors({});
      setOutcome({ kind: 'saved', at: Date.now(), tier });
    } else {
      setErrors(errorsUnder(result.fieldErrors, `overrides.${tier}`));
      setOutcome({ kind: 'error', message: result.message });
    }
  };

  const appliesNow = needsRestartToApply(outcome?.kind === 'saved' ? outcome : null, status);

  return (
    <article className="card" aria-labelledby="overrides-title">
      <header className="card-header">
        <h2 id="overrides-title">Overrides</h2>
        <SegmentedControl
          label="Tier to edit"
          options={TIER_NAMES.map((name) => {
            const count = overrideCount(settings?.overrides[name]);
            return { value: name, label: count ? `${capitalize(name)} (${count})` : capitalize(name) };
          })}
          value={tier}
          onChange={selectTier}
        />
      </header>
      <p className="card-intro muted">
        Leave a field on the tier default to follow the tier. Values are checked before saving; the relay
        picks them up at its next start.
      </p>
      <form className="override-form" onSubmit={(e) => void submit(e)} noValidate data-testid="override-form">
        <div className="override-row override-head" aria-hidden="true">
          <span>Setting</span>
          <span>Override</span>
          <span>{capitalize(tier)} default</span>
        </div>
        {FIELD_SPECS.map((spec) => (
          <OverrideField
            key={`${tier}-${spec.field}`}
            spec={spec}
            tier={tier}
            value={draft[spec.field]}
            error={errors[spec.field]}
            onChange={(value) => edit(spec.field, value)}
          />
        ))}
        <div className="form-actions">
          <button type="submit" className="primary" disabled={!settings || saving || !dirty}>
            {saving ? 'Saving…' : `Save ${capitalize(tier)} overrides`}
          </button>
          <button
            type="button"
            disabled={!dirty || saving}
            onClick={() => {
              setDrafts((d) => ({ ...d, [tier]: undefined }));
              setErrors({});
            }}
          >
            Revert
          </button>
          <button
            type="button"
            className="link"
            disabled={saving || overrideCount(saved) + (dirty ? 1 : 0) === 0}
            onClick={() => setDrafts((d) => ({ ...d, [tier]: fromOverrides(undefined) }))}
          >
            Reset all to tier defaults
          </button>
          <SaveState
            saving={saving}
            dirty={dirty}
            savedAt={outcome?.kind === 'saved' && outcome.tier === tier ? formatClock(outcome.at) : null}
            error={outcome?.kind === 'error' ? outcome.message : null}
          />
        </div>
        {outcome?.kind === 'error' && (
          <p className="inline-error" role="alert">
            {outcome.message}
          </p>
        )}
        {appliesNow && (
          <p className="hint" role="status">
            The running relay still uses the previous plan.{' '}
            <button type="button" className="link" onClick={() => void restart('restart')}>
              Restart the relay now
            </button>{' '}
            to apply it.
          </p>
        )}
      </form>
    </article>
  );
}
