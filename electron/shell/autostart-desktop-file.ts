// Start-at-login on Linux, where Electron's app.setLoginItemSettings does nothing: an XDG autostart
// entry (~/.config/autostart/<name>.desktop) that desktop sessions launch at login. The decision is a
// pure function of its inputs, so it is tested without Electron; this file must not import electron.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LINUX_EXECUTABLE_NAME, PRODUCT_NAME } from './app-identity';

export type AutostartFileAction =
  | { readonly kind: 'write'; readonly path: string; readonly contents: string }
  | { readonly kind: 'remove'; readonly path: string };

export interface AutostartInput {
  readonly enabled: boolean;
  /** What to run at login: see `linuxLoginExecutable`. */
  readonly execPath: string;
  readonly home: string;
  /** $XDG_CONFIG_HOME; ignored unless absolute, as the XDG base directory spec says. */
  readonly xdgConfigHome?: string | undefined;
}

/** The autostart entry to write or remove for the given setting. */
export function autostartDesktopFileAction(input: AutostartInput): AutostartFileAction {
  const configHome =
    input.xdgConfigHome && path.isAbsolute(input.xdgConfigHome)
      ? input.xdgConfigHome
      : path.join(input.home, '.config');
  const file = path.join(configHome, 'autostart', `${LINUX_EXECUTABLE_NAME}.desktop`);
  if (!input.enabled) return { kind: 'remove', path: file };
  const contents = [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.0',
    `Name=${PRODUCT_NAME}`,
    'Comment=Control panel for the Bitcoin Sprint block relay',
    `Exec=${desktopExecArgument(input.execPath)}`,
    `Icon=${LINUX_EXECUTABLE_NAME}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
  return { kind: 'write', path: file, contents };
}

/**
 * The executable to start at login. Inside an AppImage, process.execPath points into a temporary
 * mount that is gone after exit; the AppImage runtime exports the image's own path as $APPIMAGE.
 */
export function linuxLoginExecutable(execPath: string, env: NodeJS.ProcessEnv): string {
  return env.APPIMAGE && path.isAbsolute(env.APPIMAGE) ? env.APPIMAGE : execPath;
}

// Characters the Desktop Entry spec ("The Exec key") reserves: an argument holding any of them must
// be double-quoted.
const RESERVED = /[\s"'\\><~|&;$*?#()`]/;

/**
 * One Exec argument, escaped by the Desktop Entry spec: `%` doubled (field codes), quoted if it holds
 * a reserved character with `"`, `` ` ``, `$` and `\` backslash-escaped inside the quotes, and then
 * every backslash doubled again because Exec is also a string value (so a literal `\` ends up as
 * four). Control characters cannot be expressed in an Exec line at all.
 */
export function desktopExecArgument(argument: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(argument)) {
    throw new Error(`cannot start ${JSON.stringify(argument)} at login: it contains a control character`);
  }
  let value = argument.replaceAll('%', '%%');
  if (RESERVED.test(value)) value = `"${value.replace(/["`$\\]/g, '\\$&')}"`;
  return value.replaceAll('\\', '\\\\');
}

/**
 * Carries out an action: writes atomically (temp file + rename) so a session starting mid-write never
 * reads half an entry, skips a write whose contents are already there, and treats removing an absent
 * file as done.
 */
export function applyAutostartFileAction(action: AutostartFileAction): void {
  if (action.kind === 'remove') {
    rmSync(action.path, { force: true });
    return;
  }
  if (readIfPresent(action.path) === action.contents) return;
  mkdirSync(path.dirname(action.path), { recursive: true });
  const temporary = `${action.path}.${process.pid}.tmp`;
  writeFileSync(temporary, action.contents, { mode: 0o644 });
  renameSync(temporary, action.path);
}

function readIfPresent(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}
