/**
 * What a child process inherits from the panel's own environment: only what the OS and runtimes
 * need to run a program at all. Everything the relay is told comes from the launch plan, so a stray
 * GOGC, GC_PERCENT or LOG_LEVEL in the operator's shell can never change (or break) what runs.
 */
const POSIX_NAMES = ['PATH', 'HOME', 'TMPDIR'] as const;
// Windows programs fail in odd ways without these (no temp folder, no system DLL lookup, no shell).
const WINDOWS_NAMES = [
  'PATH',
  'PATHEXT',
  'SYSTEMROOT',
  'WINDIR',
  'COMSPEC',
  'TEMP',
  'TMP',
  'USERPROFILE',
  'APPDATA',
  'LOCALAPPDATA',
] as const;

export function osEnvironment(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): Record<string, string> {
  const names: readonly string[] = platform === 'win32' ? WINDOWS_NAMES : POSIX_NAMES;
  // Windows environment names are case-insensitive (Path, SystemRoot): match them that way there.
  const wanted = new Set(platform === 'win32' ? names.map((name) => name.toUpperCase()) : names);
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    const key = platform === 'win32' ? name.toUpperCase() : name;
    if (value !== undefined && wanted.has(key)) kept[name] = value;
  }
  return kept;
}
