import { useState } from 'react';
import type { DeploymentProfile } from '../../../shared/profile';
import { capitalize } from '../../format';
import { overrideCount } from '../../optimizations/overrides-form';

/** One profile: apply in one click, rename in place, export as a file, delete. */
export function ProfileRow({
  profile,
  active,
  busy,
  onApply,
  onRename,
  onExport,
  onDelete,
}: {
  profile: DeploymentProfile;
  active: boolean;
  busy: boolean;
  onApply: () => void;
  onRename: (to: string) => void;
  onExport: () => void;
  onDelete: () => void;
}) {
  const [renaming, setRenaming] = useState<string | null>(null);
  const count = overrideCount(profile.overrides);
  return (
    <tr data-testid={`profile-${profile.name}`} className={active ? 'row-active' : undefined}>
      <th scope="row">
        {renaming === null ? (
          <>
            {profile.name} {active && <span className="badge badge-ok">active</span>}
          </>
        ) : (
          <form
            className="inline-form"
            onSubmit={(event) => {
              event.preventDefault();
              onRename(renaming);
              setRenaming(null);
            }}
          >
            <input
              aria-label={`New name for ${profile.name}`}
              value={renaming}
              autoFocus
              onChange={(event) => setRenaming(event.target.value)}
            />
            <button type="submit" disabled={busy || renaming.trim() === ''}>
              Save
            </button>
            <button type="button" className="link" onClick={() => setRenaming(null)}>
              Cancel
            </button>
          </form>
        )}
      </th>
      <td>{capitalize(profile.tier)}</td>
      <td className="muted">{count === 0 ? 'tier defaults' : `${count} override${count > 1 ? 's' : ''}`}</td>
      <td>
        <div className="row-actions">
          <button type="button" className="primary" disabled={busy || active} onClick={onApply}>
            Apply
          </button>
          <button type="button" disabled={busy} onClick={() => setRenaming(profile.name)}>
            Rename
          </button>
          <button type="button" disabled={busy} onClick={onExport}>
            Export
          </button>
          <button type="button" className="link" disabled={busy} onClick={onDelete}>
            Delete
          </button>
        </div>
      </td>
    </tr>
  );
}
