import { useState } from 'react';
import { TIER_NAMES, type TierName } from '../../../shared/tiers';

/** What the user chooses for an SLA test, here or on a remote panel: the same request either way. */
export interface SlaTestChoices {
  tiers: TierName[];
  probesPerTier: number;
  rateHz: number;
  contention: boolean;
}

export const DEFAULT_SLA_TEST_CHOICES: SlaTestChoices = {
  tiers: ['free', 'enterprise'],
  probesPerTier: 3000,
  rateHz: 100,
  contention: false,
};

/** Seconds of probing the choices ask for (switches and restores come on top). */
export function probingSeconds(choices: SlaTestChoices): number {
  return Math.ceil((choices.tiers.length * choices.probesPerTier) / choices.rateHz);
}

/** The choices as state; tiers stay in the tiers' own order whatever order they were ticked in. */
export function useSlaTestChoices(initial: SlaTestChoices = DEFAULT_SLA_TEST_CHOICES) {
  const [choices, setChoices] = useState<SlaTestChoices>(initial);
  const update = (patch: Partial<SlaTestChoices>) => setChoices((current) => ({ ...current, ...patch }));
  const toggleTier = (tier: TierName) =>
    setChoices((current) => ({
      ...current,
      tiers: current.tiers.includes(tier)
        ? current.tiers.filter((t) => t !== tier)
        : TIER_NAMES.filter((t) => t === tier || current.tiers.includes(t)),
    }));
  return { choices, update, toggleTier };
}

/** The SLA test's settings: tiers to compare, probes per tier, rate and CPU contention. */
export function SlaTestForm({
  choices,
  update,
  toggleTier,
  disabled,
}: ReturnType<typeof useSlaTestChoices> & { disabled: boolean }) {
  return (
    <fieldset className="report-form" disabled={disabled}>
      <legend className="visually-hidden">SLA test settings</legend>
      <div role="group" aria-label="Tiers to compare" className="tier-checks">
        {TIER_NAMES.map((tier) => (
          <label key={tier} className="check">
            <input type="checkbox" checked={choices.tiers.includes(tier)} onChange={() => toggleTier(tier)} />{' '}
            {tier}
          </label>
        ))}
      </div>
      <label className="inline-field">
        Probes per tier
        <input
          type="number"
          min={100}
          max={100000}
          step={100}
          value={choices.probesPerTier}
          onChange={(e) => update({ probesPerTier: Number(e.target.value) })}
        />
      </label>
      <label className="inline-field">
        Rate (Hz)
        <input
          type="number"
          min={1}
          max={500}
          value={choices.rateHz}
          onChange={(e) => update({ rateHz: Number(e.target.value) })}
        />
      </label>
      <label className="check">
        <input
          type="checkbox"
          checked={choices.contention}
          onChange={(e) => update({ contention: e.target.checked })}
        />{' '}
        CPU contention (2 busy processes per core)
      </label>
    </fieldset>
  );
}
