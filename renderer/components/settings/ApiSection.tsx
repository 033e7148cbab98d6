import { useState } from 'react';
import { generateApiKey, maskApiKey } from '../../lib/api-key';
import { Field } from '../form/Field';
import type { SectionProps } from './section-props';

export function ApiSection({ draft, errors, edit }: SectionProps) {
  const [reveal, setReveal] = useState(false);
  const [copied, setCopied] = useState(false);
  const key = draft.apiKey;
  return (
    <fieldset className="settings-section">
      <legend>Relay API</legend>
      <Field
        label="API port"
        hint="0 picks a free port at each start; the health server is always the API port + 1."
        error={errors.apiPort}
        testId="field-api-port"
      >
        {(control) => (
          <input
            {...control}
            type="text"
            inputMode="numeric"
            className="short"
            value={draft.apiPort}
            onChange={(e) => edit({ apiPort: e.target.value }, ['apiPort'])}
          />
        )}
      </Field>
      <Field
        label="API key"
        hint={
          key
            ? 'Clients send it in X-API-Key. Regenerating invalidates the old key at the next relay start.'
            : 'No key set: only the panel’s own key is accepted. Generate one for your clients.'
        }
        error={errors.apiKey}
        testId="field-api-key"
      >
        {(control) => (
          <span className="key-row">
            {reveal ? (
              <input
                {...control}
                type="text"
                className="wide mono"
                value={key}
                spellCheck={false}
                autoComplete="off"
                onChange={(e) => edit({ apiKey: e.target.value }, ['apiKey'])}
              />
            ) : (
              <input
                {...control}
                type="text"
                className="wide mono"
                value={key ? maskApiKey(key) : ''}
                placeholder="not set"
                readOnly
                aria-label="API key (hidden)"
              />
            )}
            <button
              type="button"
              onClick={() => setReveal((r) => !r)}
              aria-pressed={reveal}
              disabled={!key && !reveal}
            >
              {reveal ? 'Hide' : 'Reveal'}
            </button>
            <button
              type="button"
              onClick={() => {
                edit({ apiKey: generateApiKey() }, ['apiKey']);
                setCopied(false);
              }}
            >
              {key ? 'Regenerate' : 'Generate'}
            </button>
            <button
              type="button"
              disabled={!key || !navigator.clipboard}
              onClick={() => {
                void navigator.clipboard?.writeText(key).then(() => setCopied(true));
              }}
            >
              {copied ? 'Copied' : 'Copy'}
            </button>
          </span>
        )}
      </Field>
    </fieldset>
  );
}
