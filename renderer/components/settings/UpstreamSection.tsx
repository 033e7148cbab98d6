import { BITCOIN_NETWORKS, type BitcoinNetwork } from '../../../shared/relay-contract';
import { Field } from '../form/Field';
import type { SectionProps } from './section-props';

export function UpstreamSection({ draft, errors, edit }: SectionProps) {
  return (
    <fieldset className="settings-section">
      <legend>Upstream</legend>
      <div className="radio-row" role="radiogroup" aria-label="Upstream">
        <label className="radio">
          <input
            type="radio"
            name="upstream-mode"
            checked={draft.upstreamMode === 'demo'}
            onChange={() => edit({ upstreamMode: 'demo' }, ['upstream.bitcoinNode'])}
          />
          Demo peer <span className="muted">(regtest blocks on a schedule)</span>
        </label>
        <label className="radio">
          <input
            type="radio"
            name="upstream-mode"
            checked={draft.upstreamMode === 'node'}
            onChange={() => edit({ upstreamMode: 'node' })}
          />
          Bitcoin node
        </label>
      </div>
      {draft.upstreamMode === 'node' ? (
        <div className="field-row">
          <Field
            label="BITCOIN_NODE"
            hint="host:port of a P2P peer; several separated by commas."
            error={errors['upstream.bitcoinNode']}
            testId="field-bitcoin-node"
          >
            {(control) => (
              <input
                {...control}
                type="text"
                className="wide mono"
                value={draft.bitcoinNode}
                placeholder="127.0.0.1:8333"
                spellCheck={false}
                onChange={(e) => edit({ bitcoinNode: e.target.value }, ['upstream.bitcoinNode'])}
              />
            )}
          </Field>
          <Field label="Network" error={errors['upstream.network']}>
            {(control) => (
              <select
                {...control}
                value={draft.network}
                onChange={(e) => edit({ network: e.target.value as BitcoinNetwork })}
              >
                {BITCOIN_NETWORKS.map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
      ) : (
        <Field
          label="Block interval"
          hint="Seconds between the demo peer's blocks (0.1–3600)."
          error={errors['upstream.demoIntervalSeconds']}
        >
          {(control) => (
            <span className="input-unit">
              <input
                {...control}
                type="text"
                inputMode="decimal"
                className="short"
                value={draft.demoIntervalSeconds}
                onChange={(e) =>
                  edit({ demoIntervalSeconds: e.target.value }, ['upstream.demoIntervalSeconds'])
                }
              />
              <span>s</span>
            </span>
          )}
        </Field>
      )}
    </fieldset>
  );
}
