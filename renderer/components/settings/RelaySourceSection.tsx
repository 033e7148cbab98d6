import { Field } from '../form/Field';
import { ConformanceCheck } from './ConformanceCheck';
import type { SectionProps } from './section-props';

export function RelaySourceSection({ draft, errors, edit }: SectionProps) {
  return (
    <fieldset className="settings-section">
      <legend>Relay</legend>
      <div className="radio-row" role="radiogroup" aria-label="Relay source">
        <label className="radio">
          <input
            type="radio"
            name="relay-source"
            checked={draft.relaySource === 'builtin'}
            onChange={() => edit({ relaySource: 'builtin' }, ['relay.externalPath'])}
          />
          Built-in relay <span className="muted">(bundled reference relay)</span>
        </label>
        <label className="radio">
          <input
            type="radio"
            name="relay-source"
            checked={draft.relaySource === 'external'}
            onChange={() => edit({ relaySource: 'external' })}
          />
          External binary <span className="muted">(Bitcoin Sprint)</span>
        </label>
      </div>
      {draft.relaySource === 'external' && (
        <Field
          label="Binary path"
          hint="Absolute path to an executable that honours the relay contract."
          error={errors['relay.externalPath']}
          testId="field-external-path"
        >
          {(control) => (
            <input
              {...control}
              type="text"
              className="wide mono"
              value={draft.externalPath}
              placeholder="/opt/bitcoin-sprint/sprint"
              spellCheck={false}
              onChange={(e) => edit({ externalPath: e.target.value }, ['relay.externalPath'])}
            />
          )}
        </Field>
      )}
      {draft.relaySource === 'external' && <ConformanceCheck path={draft.externalPath} />}
    </fieldset>
  );
}
