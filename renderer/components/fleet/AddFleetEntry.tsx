import { useState, type FormEvent } from 'react';
import type { FleetEntryKind } from '../../../shared/fleet';
import { useFleetStore } from '../../stores';
import { SegmentedControl } from '../SegmentedControl';

const KINDS = [
  { value: 'relay', label: 'Relay (health URL)' },
  { value: 'panel', label: 'Remote panel (headless)' },
  { value: 'prometheus', label: 'Prometheus server' },
] as const;

const PLACEHOLDER: Record<FleetEntryKind, string> = {
  relay: 'http://127.0.0.1:18081',
  panel: 'http://127.0.0.1:18600/?token=…',
  prometheus: 'http://127.0.0.1:9090',
};

export function AddFleetEntry({ tokenStorage }: { tokenStorage: string | null }) {
  const { add, adding, addError } = useFleetStore();
  const [kind, setKind] = useState<FleetEntryKind>('relay');
  const [url, setUrl] = useState('');
  const [label, setLabel] = useState('');
  const [token, setToken] = useState('');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void add({
      kind,
      url,
      label: label || undefined,
      token: kind === 'panel' && token ? token : undefined,
    }).then((ok) => {
      if (!ok) return;
      setUrl('');
      setLabel('');
      setToken('');
    });
  };

  return (
    <article className="card" aria-labelledby="fleet-add-title">
      <header className="card-header">
        <h2 id="fleet-add-title">Add to the fleet</h2>
      </header>
      <form className="report-form fleet-add" onSubmit={submit} aria-label="Add to the fleet">
        <SegmentedControl label="Kind" options={KINDS} value={kind} onChange={setKind} />
        <label className="inline-field">
          URL
          <input
            className="fleet-url"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            placeholder={PLACEHOLDER[kind]}
            required
          />
        </label>
        <label className="inline-field">
          Name
          <input value={label} onChange={(e) => setLabel(e.target.value)} placeholder="eu-1" />
        </label>
        {kind === 'panel' && (
          <label className="inline-field">
            Token
            <input
              type="password"
              value={token}
              onChange={(e) => setToken(e.target.value)}
              autoComplete="off"
            />
          </label>
        )}
        <button type="submit" className="primary" disabled={adding}>
          {adding ? 'Checking…' : 'Add'}
        </button>
      </form>
      {kind === 'panel' && tokenStorage && <p className="card-note">{tokenStorage}</p>}
      {addError && (
        <p className="inline-error" role="alert">
          {addError}
        </p>
      )}
    </article>
  );
}
