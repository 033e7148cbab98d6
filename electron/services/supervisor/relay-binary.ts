import { accessSync, constants as fsConstants, existsSync, statSync } from 'node:fs';
import { ApiError } from '../../../shared/api';
import type { Settings } from '../../../shared/settings';
import type { RelayResources } from './relay-resources';

/**
 * The relay executable the settings select, checked before a start so a missing or non-executable
 * binary is a clear error naming the path, not a spawn failure.
 */
export function checkRelayBinary(settings: Settings, resources: RelayResources): void {
  if (settings.relay.source !== 'external') {
    if (!existsSync(resources.relayScript)) {
      throw new ApiError(
        'RELAY_BINARY_MISSING',
        `The built-in relay is missing at ${resources.relayScript}. Run \`npm run build\` (from source) or reinstall Sprint Control.`,
      );
    }
    return;
  }
  const binary = settings.relay.externalPath;
  if (!binary) {
    throw new ApiError(
      'RELAY_BINARY_MISSING',
      'External relay selected but no binary path is set. Choose the Bitcoin Sprint binary in Settings.',
    );
  }
  try {
    if (!statSync(binary).isFile()) throw new Error('not a file');
    accessSync(binary, fsConstants.X_OK);
  } catch {
    throw new ApiError(
      'RELAY_BINARY_MISSING',
      `The relay binary ${binary} is missing or not executable. Check the path in Settings (chmod +x on Linux and macOS).`,
      { path: binary },
    );
  }
}

/**
 * Checked when the path is saved, so a folder or a file without execute permission is refused in
 * Settings with what to do, rather than saved and failing only at Start. null when the path is fine.
 */
export function externalPathProblem(binary: string): string | null {
  let stat;
  try {
    stat = statSync(binary);
  } catch {
    return `Nothing exists at ${binary}. Give the full path of the relay program.`;
  }
  if (stat.isDirectory())
    return `${binary} is a folder. Give the relay program inside it, e.g. ${binary.replace(/[\\/]+$/, '')}/sprint.`;
  if (!stat.isFile()) return `${binary} is not a regular file. Give the relay program itself.`;
  try {
    accessSync(binary, fsConstants.X_OK);
  } catch {
    return `${binary} is not executable. Make it executable (chmod +x ${binary}) or choose another file.`;
  }
  return null;
}

/** What the pidfile records as the relay's executable, so a stale entry is only reaped if it matches. */
export function relayMarker(settings: Settings, resources: RelayResources): string {
  return settings.relay.source === 'external'
    ? (settings.relay.externalPath ?? resources.relayScript)
    : resources.relayScript;
}
