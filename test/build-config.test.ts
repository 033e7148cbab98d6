// The installer configuration, checked where no installer can be built: no Electron binary or
// packaging tool can be downloaded here, so `npm run dist` cannot run to the end. Instead this checks
// build/electron-builder.config.cjs against electron-builder's own JSON schema, checks every file it
// names, and packs the app for real with electron-builder around a stand-in Electron binary, which
// exercises files/extraResources/asar and the fuse flip exactly as a release build does.
import { listPackage, extractFile } from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import Ajv from 'ajv';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Configuration, FileSet } from 'electron-builder';
import { afterAll, describe, expect, it } from 'vitest';
import { APP_ID, LINUX_EXECUTABLE_NAME, PRODUCT_NAME } from '../electron/shell/app-identity';
import { TRAY_ICON_NAMES } from '../electron/shell/tray-model';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const CONFIG_FILE = 'build/electron-builder.config.cjs';
const config = require(path.join(root, CONFIG_FILE)) as Configuration;
const packageJson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  productName: string;
  main: string;
  homepage?: string;
};

const APP_ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];
const ICNS_SIZES: Record<string, number> = {
  ic07: 128,
  ic08: 256,
  ic09: 512,
  ic10: 1024,
  ic11: 32,
  ic12: 64,
  ic13: 256,
  ic14: 512,
};

/**
 * What the packaged app opens under process.resourcesPath (electron/main.ts when app.isPackaged:
 * the relay scripts, the tray's iconDir, the notification icon). The probe is there once its entry
 * point exists.
 */
const RUNTIME_RESOURCES = [
  'relay/relay.mjs',
  'relay/demo-peer.mjs',
  ...(existsSync(path.join(root, 'electron/services/probe/main.ts')) ? ['relay/probe.mjs'] : []),
  ...TRAY_ICON_NAMES.flatMap((name) => [`icons/tray/${name}.png`, `icons/tray/${name}@2x.png`]),
  'icons/icon.png',
];

function defined<T>(value: T | null | undefined, what: string): T {
  if (value == null) throw new Error(`${what} is not set in ${CONFIG_FILE}`);
  return value;
}

function pngSize(file: string): { width: number; height: number } {
  const png = readFileSync(file);
  expect(png.subarray(0, 8).toString('hex'), `${file} is a PNG`).toBe('89504e470d0a1a0a');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

const extraResources = (): FileSet[] =>
  [config.extraResources ?? []].flat().map((entry) => (typeof entry === 'string' ? { from: entry } : entry));

/** Where a resource path at run time comes from in the source tree, by the extraResources rules. */
function sourceOf(runtimePath: string): string | null {
  for (const set of extraResources()) {
    const to = set.to ?? set.from ?? '';
    if (path.posix.dirname(runtimePath) !== to) continue;
    const name = path.posix.basename(runtimePath);
    const filters = [set.filter ?? ['**/*']].flat();
    if (!filters.some((pattern) => path.matchesGlob(name, pattern))) continue;
    const file = path.join(root, set.from ?? '', name);
    if (existsSync(file)) return file;
  }
  return null;
}

describe('electron-builder configuration', () => {
  it("is valid against electron-builder's own schema (app-builder-lib/scheme.json)", () => {
    const schema = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as object;
    // electron-builder validates with these options plus type coercion; without coercion this is stricter.
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    validate(config);
    expect(validate.errors ?? []).toEqual([]);
    // The schema forbids unknown keys everywhere, so a misspelt option is caught, not ignored.
    expect(validate({ ...config, nsis: { ...config.nsis, oneClik: false } })).toBe(false);
  });

  it('names the app as the shell and package.json do, and pins the installed Electron', () => {
    expect(config.appId).toBe(APP_ID);
    expect(config.productName).toBe(PRODUCT_NAME);
    expect(packageJson.productName).toBe(PRODUCT_NAME);
    expect(config.linux?.executableName).toBe(LINUX_EXECUTABLE_NAME);
    const electron = JSON.parse(
      readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8'),
    ) as {
      version: string;
    };
    expect(config.electronVersion).toBe(electron.version);
  });

  it('packs the bundled app into an asar with no native rebuild', () => {
    expect(config.asar).toBe(true);
    expect(config.npmRebuild).toBe(false);
    expect(config.nodeGypRebuild).toBe(false);
    expect(config.files).toEqual(
      expect.arrayContaining(['dist/electron/**', 'dist/renderer/**', 'package.json']),
    );
    expect(config.directories?.output).toBe('release');
  });

  it('builds AppImage and deb with the metadata a deb needs', () => {
    const linux = defined(config.linux, 'linux');
    expect(linux.target).toEqual(['AppImage', 'deb']);
    expect(linux.maintainer).toMatch(/^.+ <[^@\s]+@[^@\s]+>$/);
    expect(linux.category).toMatch(/^(Network|Utility)$/);
    expect(linux.synopsis?.length).toBeGreaterThan(10);
    expect(linux.description?.length).toBeGreaterThan(40);
    // fpm refuses to build a deb without a homepage.
    const homepage =
      packageJson.homepage ?? (config.extraMetadata as { homepage?: string } | undefined)?.homepage;
    expect(homepage).toMatch(/^https:\/\//);
  });

  it('builds a per-user NSIS installer with a desktop shortcut', () => {
    expect(JSON.stringify(config.win?.target)).toContain('"nsis"');
    expect(config.nsis).toMatchObject({ oneClick: false, perMachine: false, createDesktopShortcut: true });
  });

  it('builds a hardened-runtime dmg in the developer-tools category', () => {
    expect(config.mac).toMatchObject({
      target: ['dmg'],
      category: 'public.app-category.developer-tools',
      hardenedRuntime: true,
    });
  });

  it('hardens the binary with fuses but keeps RunAsNode on for the relay', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: true,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      // On while the renderer loads from file:// inside app.asar: see the config's comment.
      grantFileProtocolExtraPrivileges: true,
    });
  });
});

describe('files the configuration names', () => {
  it('all exist: icons and entitlements', () => {
    const named = [
      defined(config.linux?.icon, 'linux.icon'),
      defined(config.win?.icon, 'win.icon'),
      defined(config.nsis?.installerIcon, 'nsis.installerIcon'),
      defined(config.nsis?.uninstallerIcon, 'nsis.uninstallerIcon'),
      defined(config.mac?.icon, 'mac.icon'),
      defined(config.mac?.entitlements, 'mac.entitlements'),
      defined(config.mac?.entitlementsInherit, 'mac.entitlementsInherit'),
    ];
    for (const file of named) expect(existsSync(path.join(root, file)), file).toBe(true);
    const entitlements = readFileSync(
      path.join(root, defined(config.mac?.entitlements, 'entitlements')),
      'utf8',
    );
    expect(entitlements).toContain('<key>com.apple.security.cs.allow-jit</key>');
  });

  it('has the Linux icon set at every size, each PNG as large as its name says', () => {
    const dir = path.join(root, defined(config.linux?.icon, 'linux.icon'));
    for (const size of APP_ICON_SIZES) {
      expect(pngSize(path.join(dir, `${size}x${size}.png`))).toEqual({ width: size, height: size });
    }
  });

  it('has a Windows .ico with every size up to 256 (256 as PNG, the rest as 32-bit BMP)', () => {
    const ico = readFileSync(path.join(root, defined(config.win?.icon, 'win.icon')));
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1]);
    const sizes: number[] = [];
    for (let index = 0; index < ico.readUInt16LE(4); index++) {
      const entry = 6 + index * 16;
      const size = ico[entry] || 256;
      const length = ico.readUInt32LE(entry + 8);
      const offset = ico.readUInt32LE(entry + 12);
      expect(offset + length).toBeLessThanOrEqual(ico.length);
      const image = ico.subarray(offset, offset + length);
      if (size === 256) {
        expect(image.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
      } else {
        // BITMAPINFOHEADER: width, twice the height (image + mask), 32 bits per pixel.
        expect([
          image.readUInt32LE(0),
          image.readInt32LE(4),
          image.readInt32LE(8),
          image.readUInt16LE(14),
        ]).toEqual([40, size, size * 2, 32]);
        expect(length).toBe(40 + size * size * 4 + Math.ceil(size / 32) * 4 * size);
      }
      sizes.push(size);
    }
    expect(sizes).toEqual(ICO_SIZES);
  });

  it('has a macOS .icns of PNG entries up to 1024 px', () => {
    const icns = readFileSync(path.join(root, defined(config.mac?.icon, 'mac.icon')));
    expect(icns.toString('latin1', 0, 4)).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const found: Record<string, number> = {};
    for (let offset = 8; offset < icns.length; offset += icns.readUInt32BE(offset + 4)) {
      const type = icns.toString('latin1', offset, offset + 4);
      const png = icns.subarray(offset + 8, offset + icns.readUInt32BE(offset + 4));
      expect(png.subarray(0, 8).toString('hex'), type).toBe('89504e470d0a1a0a');
      found[type] = png.readUInt32BE(16);
    }
    expect(found).toEqual(ICNS_SIZES);
  });

  it('has both tray sizes for every relay state group', () => {
    for (const name of TRAY_ICON_NAMES) {
      expect(pngSize(path.join(root, 'build/icons/tray', `${name}.png`))).toEqual({ width: 16, height: 16 });
      expect(pngSize(path.join(root, 'build/icons/tray', `${name}@2x.png`))).toEqual({
        width: 32,
        height: 32,
      });
    }
  });

  it('ships what the app opens under resourcesPath, from files scripts/build.mjs produced', () => {
    for (const runtimePath of RUNTIME_RESOURCES) expect(sourceOf(runtimePath), runtimePath).not.toBeNull();
  });
});

describe('packaging with a stand-in Electron binary', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'sprint-pack-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  /** Not Electron: just its fuse wire (sentinel, version 1, 8 fuses at Electron's defaults). */
  function standInElectron(dir: string): void {
    mkdirSync(dir, { recursive: true });
    const wire = Buffer.concat([
      Buffer.alloc(64, 0x90),
      Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX', 'latin1'),
      Buffer.from([1, 8]),
      Buffer.from('10110001', 'latin1'),
      Buffer.alloc(64, 0x90),
    ]);
    writeFileSync(path.join(dir, 'electron'), wire, { mode: 0o755 });
  }

  it('puts the bundles in app.asar (no node_modules), the relay beside it, and flips the fuses', async () => {
    const electronDist = path.join(work, 'electron');
    const output = path.join(work, 'release');
    standInElectron(electronDist);
    const run = spawnSync(
      process.execPath,
      [
        require.resolve('electron-builder/cli.js'),
        '--config',
        CONFIG_FILE,
        '--linux',
        'dir',
        '--publish',
        'never',
        `-c.electronDist=${electronDist}`,
        `-c.directories.output=${output}`,
      ],
      { cwd: root, encoding: 'utf8', timeout: 150_000 },
    );
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);

    const appDir = path.join(output, 'linux-unpacked');
    const resources = path.join(appDir, 'resources');
    const asarFile = path.join(resources, 'app.asar');
    const entries = listPackage(asarFile, { isPack: false }).map((entry) => entry.replaceAll('\\', '/'));
    const packagedJson = JSON.parse(extractFile(asarFile, 'package.json').toString('utf8')) as {
      main: string;
    };
    expect(packagedJson.main).toBe(packageJson.main);
    expect(entries).toEqual(
      expect.arrayContaining(['/package.json', `/${packageJson.main}`, '/dist/electron/preload.cjs']),
    );
    if (existsSync(path.join(root, 'dist/renderer/index.html'))) {
      expect(entries).toContain('/dist/renderer/index.html');
    }
    expect(entries.filter((entry) => entry.includes('node_modules'))).toEqual([]);
    expect(entries.filter((entry) => entry.endsWith('.map'))).toEqual([]);

    for (const runtimePath of RUNTIME_RESOURCES) {
      expect(existsSync(path.join(resources, runtimePath)), runtimePath).toBe(true);
    }
    expect(readdirSync(path.join(resources, 'relay')).filter((name) => !name.endsWith('.mjs'))).toEqual([]);

    const fuses = await getCurrentFuseWire(path.join(appDir, LINUX_EXECUTABLE_NAME));
    const on = '1'.charCodeAt(0);
    const off = '0'.charCodeAt(0);
    expect(fuses[FuseV1Options.RunAsNode]).toBe(on);
    expect(fuses[FuseV1Options.EnableCookieEncryption]).toBe(on);
    expect(fuses[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(off);
    expect(fuses[FuseV1Options.EnableNodeCliInspectArguments]).toBe(off);
    expect(fuses[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(on);
    expect(fuses[FuseV1Options.OnlyLoadAppFromAsar]).toBe(on);
    expect(fuses[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(on);
  }, 180_000);
});
