import { useId } from 'react';
import type { TierName } from '../../../shared/tiers';
import { PRIORITY_OPTIONS, tierDefault, type FieldSpec } from '../../optimizations/overrides-form';

/** One override as a row: setting, its control, the tier default beside it, its error under it. */
export function OverrideField({
  spec,
  tier,
  value,
  error,
  onChange,
}: {
  spec: FieldSpec;
  tier: TierName;
  value: string;
  error: string | undefined;
  onChange: (value: string) => void;
}) {
  const id = useId();
  const fallback = tierDefault(tier, spec.field);
  const overridden = value.trim() !== '';
  const control = {
    id,
    'aria-invalid': Boolean(error),
    'aria-describedby': [error ? `${id}-error` : null, `${id}-default`, spec.hint ? `${id}-hint` : null]
      .filter(Boolean)
      .join(' '),
  };
  return (
    <div
      className={`override-row${error ? ' has-error' : ''}${overridden ? ' overridden' : ''}`}
      data-testid={`override-${spec.field}`}
    >
      <label htmlFor={id} className="override-label">
        <span className={spec.label === spec.label.toUpperCase() ? 'mono' : undefined}>{spec.label}</span>
        {spec.hint && (
          <span id={`${id}-hint`} className="cell-note">
            {spec.hint}
          </span>
        )}
      </label>
      <div className="override-control">
        {spec.kind === 'priority' ? (
          <select {...control} value={value} onChange={(e) => onChange(e.target.value)}>
            <option value="">Tier default</option>
            {PRIORITY_OPTIONS.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        ) : spec.kind === 'boolean' ? (
          <select {...control} value={value} onChange={(e) => onChange(e.target.value)}>
            <option value="">Tier default</option>
            <option value="true">on</option>
            <option value="false">off</option>
          </select>
        ) : (
          <input
            {...control}
            type="text"
            inputMode={spec.kind === 'number' ? 'numeric' : undefined}
            value={value}
            placeholder="tier default"
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => onChange(e.target.value)}
          />
        )}
        {error && (
          <p id={`${id}-error`} className="field-error" role="alert">
            {error}
          </p>
        )}
      </div>
      <div className="override-default" id={`${id}-default`}>
        <span className="sr-only">Tier default: </span>
        <span>{fallback}</span>
        {overridden && <span className="badge badge-info">overridden</span>}
      </div>
    </div>
  );
}
