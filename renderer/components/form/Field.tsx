import { useId, type ReactNode } from 'react';

/** Props a control needs to be tied to its label, hint and error for screen readers. */
export interface ControlProps {
  id: string;
  'aria-invalid': boolean;
  'aria-describedby': string | undefined;
}

/**
 * A labelled form row: label, control, hint and the field's own error right under it. `aside`
 * sits beside the control (the tier default beside an override).
 */
export function Field({
  label,
  hint,
  error,
  aside,
  children,
  testId,
}: {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  aside?: ReactNode;
  children: (control: ControlProps) => ReactNode;
  testId?: string;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [error ? errorId : null, hint ? hintId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' has-error' : ''}`} data-testid={testId}>
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      <div className="field-control">
        {children({ id, 'aria-invalid': Boolean(error), 'aria-describedby': describedBy })}
        {aside && <span className="field-aside">{aside}</span>}
      </div>
      {error && (
        <p id={errorId} className="field-error" role="alert">
          {error}
        </p>
      )}
      {hint && (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      )}
    </div>
  );
}

/** A checkbox row: the label follows the box. */
export function CheckboxField({
  label,
  hint,
  checked,
  onChange,
  error,
  testId,
}: {
  label: ReactNode;
  hint?: ReactNode;
  checked: boolean;
  onChange: (checked: boolean) => void;
  error?: string | undefined;
  testId?: string;
}) {
  const id = useId();
  return (
    <div className={`field checkbox-field${error ? ' has-error' : ''}`}>
      <input
        id={id}
        type="checkbox"
        checked={checked}
        onChange={(e) => onChange(e.target.checked)}
        aria-describedby={hint ? `${id}-hint` : undefined}
        aria-invalid={Boolean(error)}
        data-testid={testId}
      />
      <div>
        <label htmlFor={id} className="field-label">
          {label}
        </label>
        {hint && (
          <p id={`${id}-hint`} className="field-hint">
            {hint}
          </p>
        )}
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
      </div>
    </div>
  );
}

/** "Saved 14:03:05" / "Unsaved changes" / "Saving…": the state beside a form's Save button. */
export function SaveState({
  saving,
  dirty,
  savedAt,
  error,
}: {
  saving: boolean;
  dirty: boolean;
  savedAt: string | null;
  error: string | null;
}) {
  const text = saving
    ? 'Saving…'
    : error
      ? 'Not saved'
      : dirty
        ? 'Unsaved changes'
        : savedAt
          ? `Saved ${savedAt}`
          : 'No changes';
  return (
    <span className={`save-state${dirty && !saving ? ' dirty' : ''}`} role="status" data-testid="save-state">
      {text}
    </span>
  );
}
