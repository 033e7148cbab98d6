import { useRef, useState, type ChangeEvent } from 'react';
import { findProfile, PROFILE_NAME_MAX } from '../../../shared/profile';
import { capitalize } from '../../format';
import { errorText } from '../../lib/error-text';
import { downloadText, readPickedFile } from '../../lib/files';
import { useProfileStore } from '../../stores';
import { ProfileRow } from './ProfileRow';

/**
 * Deployment profiles (development, staging, production and the user's own) and the seed's
 * configuration file: import by file picker (desktop and browser alike), export as a download.
 */
export function ProfilesCard() {
  const { state, busy, outcome } = useProfileStore();
  const actions = useProfileStore.getState();
  const [newName, setNewName] = useState('');
  const [pickError, setPickError] = useState<string | null>(null);
  const picker = useRef<HTMLInputElement>(null);
  // A name is refused with its reason, never cut: the input takes any length and says what is wrong.
  const trimmed = newName.trim();
  const tooLong = trimmed.length > PROFILE_NAME_MAX;
  const clash =
    state && trimmed !== '' ? findProfile({ list: state.profiles, applied: null }, trimmed) : undefined;
  const save = (replace: boolean) => void actions.save(trimmed, replace).then(() => setNewName(''));

  const exportFile = async (name?: string) => {
    const result = await actions.exportFile(name);
    if (result) downloadText(result.fileName, result.text);
  };
  const onPick = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    setPickError(null);
    try {
      await actions.importText(await readPickedFile(file));
    } catch (error) {
      setPickError(errorText(error));
    }
  };

  return (
    <article className="card" aria-labelledby="profiles-title" data-testid="profiles-card">
      <header className="card-header">
        <h2 id="profiles-title">Deployment profiles</h2>
        <span className="card-tools">
          <input
            ref={picker}
            type="file"
            accept=".json,application/json"
            hidden
            data-testid="profile-file-input"
            onChange={(event) => void onPick(event)}
          />
          <button type="button" disabled={busy} onClick={() => picker.current?.click()}>
            Import file…
          </button>
          <button type="button" disabled={busy || !state} onClick={() => void exportFile()}>
            Export config in effect
          </button>
        </span>
      </header>
      <p className="card-intro muted">
        A profile is a tier and its overrides. Applying one restarts a running relay under it. Import takes
        the relay&apos;s <span className="mono">config.json</span> (tier and performance_optimizations:
        applied at once) or a profile file (the same with a name: added to the list).
      </p>
      <div className="table-scroll">
        <table className="knob-table profiles-table">
          <thead>
            <tr>
              <th scope="col">Profile</th>
              <th scope="col">Tier</th>
              <th scope="col">Overrides</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {(state?.profiles ?? []).map((profile) => (
              <ProfileRow
                key={profile.name}
                profile={profile}
                active={state?.active === profile.name}
                busy={busy}
                onApply={() => void actions.apply(profile.name)}
                onRename={(to) => void actions.rename(profile.name, to)}
                onExport={() => void exportFile(profile.name)}
                onDelete={() => void actions.remove(profile.name)}
              />
            ))}
          </tbody>
        </table>
      </div>
      <form
        className="inline-form save-profile"
        onSubmit={(event) => {
          event.preventDefault();
          if (!clash && !tooLong) save(false);
        }}
      >
        <label htmlFor="new-profile-name">
          Save the {state ? capitalize(state.tier) : 'current'} tier and its overrides as
        </label>
        <input
          id="new-profile-name"
          value={newName}
          placeholder="profile name"
          aria-invalid={tooLong || clash !== undefined}
          aria-describedby="new-profile-problem"
          onChange={(event) => setNewName(event.target.value)}
        />
        <button type="submit" disabled={busy || trimmed === '' || tooLong || clash !== undefined}>
          Save profile
        </button>
      </form>
      {tooLong && (
        <p className="inline-error" id="new-profile-problem" role="alert" data-testid="profile-name-problem">
          The name has {trimmed.length} characters; at most {PROFILE_NAME_MAX}. Shorten it to save.
        </p>
      )}
      {clash && !tooLong && (
        <p className="hint" id="new-profile-problem" role="alert" data-testid="profile-name-problem">
          A profile named &quot;{clash.name}&quot; already exists (names are compared ignoring case and
          look-alike letters).{' '}
          <button type="button" disabled={busy} onClick={() => save(true)}>
            Replace &quot;{clash.name}&quot;
          </button>{' '}
          or choose another name.
        </p>
      )}
      {(pickError ?? outcome) && (
        <p
          className={pickError || outcome?.kind === 'error' ? 'inline-error' : 'hint'}
          role={pickError || outcome?.kind === 'error' ? 'alert' : 'status'}
          data-testid="profile-outcome"
        >
          {pickError ?? outcome?.message}
        </p>
      )}
    </article>
  );
}
