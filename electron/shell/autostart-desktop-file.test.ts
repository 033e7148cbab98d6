import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  applyAutostartFileAction,
  autostartDesktopFileAction,
  desktopExecArgument,
  linuxLoginExecutable,
} from './autostart-desktop-file';

describe('autostartDesktopFileAction', () => {
  it('writes an XDG autostart entry in ~/.config/autostart when enabled', () => {
    const action = autostartDesktopFileAction({
      enabled: true,
      execPath: '/opt/Sprint Control/sprint-control',
      home: '/home/ada',
    });
    expect(action).toEqual({
      kind: 'write',
      path: '/home/ada/.config/autostart/sprint-control.desktop',
      contents: expect.any(String),
    });
    const lines = action.kind === 'write' ? action.contents.split('\n') : [];
    expect(lines[0]).toBe('[Desktop Entry]');
    expect(lines).toContain('Type=Application');
    expect(lines).toContain('Name=Sprint Control');
    expect(lines).toContain('Exec="/opt/Sprint Control/sprint-control"');
    expect(lines).toContain('X-GNOME-Autostart-enabled=true');
  });

  it('removes the same file when disabled', () => {
    expect(autostartDesktopFileAction({ enabled: false, execPath: '/usr/bin/x', home: '/home/ada' })).toEqual(
      {
        kind: 'remove',
        path: '/home/ada/.config/autostart/sprint-control.desktop',
      },
    );
  });

  it('honours an absolute XDG_CONFIG_HOME and ignores a relative one', () => {
    const base = { enabled: false, execPath: '/usr/bin/x', home: '/home/ada' };
    expect(autostartDesktopFileAction({ ...base, xdgConfigHome: '/cfg' }).path).toBe(
      '/cfg/autostart/sprint-control.desktop',
    );
    expect(autostartDesktopFileAction({ ...base, xdgConfigHome: 'cfg' }).path).toBe(
      '/home/ada/.config/autostart/sprint-control.desktop',
    );
    expect(autostartDesktopFileAction({ ...base, xdgConfigHome: '' }).path).toBe(
      '/home/ada/.config/autostart/sprint-control.desktop',
    );
  });
});

describe('desktopExecArgument (Desktop Entry spec quoting)', () => {
  it('leaves a plain path alone', () => {
    expect(desktopExecArgument('/usr/bin/sprint-control')).toBe('/usr/bin/sprint-control');
  });

  it('quotes reserved characters and escapes the ones special inside quotes', () => {
    expect(desktopExecArgument('/opt/a b')).toBe('"/opt/a b"');
    expect(desktopExecArgument('/opt/a"b')).toBe('"/opt/a\\\\"b"');
    expect(desktopExecArgument('/opt/$HOME')).toBe('"/opt/\\\\$HOME"');
    expect(desktopExecArgument('/opt/a`b')).toBe('"/opt/a\\\\`b"');
  });

  it('writes a literal backslash as four backslashes, as the spec requires', () => {
    expect(desktopExecArgument('/opt/a\\b')).toBe('"/opt/a\\\\\\\\b"');
  });

  it('doubles percent signs so they are not read as field codes', () => {
    expect(desktopExecArgument('/opt/100%/app')).toBe('/opt/100%%/app');
  });

  it('refuses control characters, which would inject lines into the file', () => {
    expect(() => desktopExecArgument('/opt/a\nExec=evil')).toThrow(/control character/);
  });
});

describe('linuxLoginExecutable', () => {
  it('prefers the AppImage itself over its temporary mount', () => {
    expect(
      linuxLoginExecutable('/tmp/.mount_Sprint/sprint-control', { APPIMAGE: '/home/ada/Sprint.AppImage' }),
    ).toBe('/home/ada/Sprint.AppImage');
  });

  it('uses the executable otherwise', () => {
    expect(linuxLoginExecutable('/opt/Sprint Control/sprint-control', {})).toBe(
      '/opt/Sprint Control/sprint-control',
    );
    expect(linuxLoginExecutable('/opt/x', { APPIMAGE: 'relative.AppImage' })).toBe('/opt/x');
  });
});

describe('applyAutostartFileAction', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const home = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'autostart-'));
    dirs.push(dir);
    return dir;
  };

  it('creates the autostart folder, writes the entry, and removes it again', () => {
    const dir = home();
    const write = autostartDesktopFileAction({
      enabled: true,
      execPath: '/usr/bin/sprint-control',
      home: dir,
    });
    applyAutostartFileAction(write);
    expect(readFileSync(write.path, 'utf8')).toContain('Exec=/usr/bin/sprint-control\n');
    expect(statSync(write.path).mode & 0o777).toBe(0o644);

    applyAutostartFileAction(autostartDesktopFileAction({ enabled: false, execPath: '/x', home: dir }));
    expect(existsSync(write.path)).toBe(false);
  });

  it('treats removing an absent entry as done and leaves an identical entry untouched', () => {
    const dir = home();
    const remove = autostartDesktopFileAction({ enabled: false, execPath: '/x', home: dir });
    expect(() => applyAutostartFileAction(remove)).not.toThrow();

    const write = autostartDesktopFileAction({
      enabled: true,
      execPath: '/usr/bin/sprint-control',
      home: dir,
    });
    applyAutostartFileAction(write);
    const before = statSync(write.path).mtimeMs;
    applyAutostartFileAction(write);
    expect(statSync(write.path).mtimeMs).toBe(before);
  });

  it('replaces an entry that points elsewhere', () => {
    const dir = home();
    const write = autostartDesktopFileAction({
      enabled: true,
      execPath: '/usr/bin/sprint-control',
      home: dir,
    });
    mkdirSync(path.dirname(write.path), { recursive: true });
    writeFileSync(write.path, '[Desktop Entry]\nExec=/old/path\n');
    applyAutostartFileAction(write);
    expect(readFileSync(write.path, 'utf8')).toBe(write.kind === 'write' ? write.contents : '');
  });
});
