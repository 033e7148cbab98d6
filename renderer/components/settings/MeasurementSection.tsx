import { Field } from '../form/Field';
import type { SectionProps } from './section-props';

function NumberInput({
  value,
  unit,
  onChange,
  control,
}: {
  value: string;
  unit: string;
  onChange: (value: string) => void;
  control: object;
}) {
  return (
    <span className="input-unit">
      <input
        {...control}
        type="text"
        inputMode="decimal"
        className="short"
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
      <span>{unit}</span>
    </span>
  );
}

export function MeasurementSection({ draft, errors, edit }: SectionProps) {
  return (
    <fieldset className="settings-section">
      <legend>Measurement and history</legend>
      <Field
        label="Probe rate"
        hint="Probes per second against the relay (1–100). More samples reach a verdict sooner."
        error={errors['probe.rateHz']}
        testId="field-probe-rate"
      >
        {(control) => (
          <NumberInput
            control={control}
            value={draft.probeRateHz}
            unit="Hz"
            onChange={(v) => edit({ probeRateHz: v }, ['probe.rateHz'])}
          />
        )}
      </Field>
      <div className="field-row">
        <Field label="Keep raw samples" hint="1–365 days." error={errors['retention.rawDays']}>
          {(control) => (
            <NumberInput
              control={control}
              value={draft.rawDays}
              unit="days"
              onChange={(v) => edit({ rawDays: v }, ['retention.rawDays'])}
            />
          )}
        </Field>
        <Field
          label="Keep per-second aggregates"
          hint="1–3650 days."
          error={errors['retention.aggregateDays']}
        >
          {(control) => (
            <NumberInput
              control={control}
              value={draft.aggregateDays}
              unit="days"
              onChange={(v) => edit({ aggregateDays: v }, ['retention.aggregateDays'])}
            />
          )}
        </Field>
      </div>
    </fieldset>
  );
}
