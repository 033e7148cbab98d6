// @ts-check
// electron-builder configuration, used by `npm run dist` (npm run build, then electron-builder with
// this file). test/build-config.test.ts validates it against electron-builder's own schema and checks
// that every file it names exists, so a mistake here fails `npm test` rather than a release build.
/* eslint-disable @typescript-eslint/no-require-imports -- a .cjs file: require is how it imports */
const path = require('node:path');
const { readFileSync } = require('node:fs');

/**
 * Pinned to the installed electron package rather than left to electron-builder's guess, so the
 * packaged runtime is always the one the app was typed and tested against.
 */
const electronVersion = JSON.parse(
  readFileSync(path.join(__dirname, '..', 'node_modules', 'electron', 'package.json'), 'utf8'),
).version;

// Placeholders until the project has a public home: deb packages refuse to build without a
// homepage and a maintainer address, and package.json carries neither yet.
const homepage = 'https://bitcoinsprint.io';
const maintainer = 'Bitcoin Sprint <support@bitcoinsprint.io>';

const synopsis = 'Control panel for the Bitcoin Sprint block relay';
const description =
  'Sprint Control runs a Bitcoin block relay under a supervisor, applies a performance tier down ' +
  'to the operating system (priority, CPU affinity, runtime knobs), charts live latency against ' +
  "the tier's SLA and exports performance reports.";

/** @type {import('electron-builder').Configuration} */
const config = {
  appId: 'io.bitcoinsprint.control',
  productName: 'Sprint Control',
  electronVersion,
  // `release/`, not the default `dist/`: dist/ is where our own build writes the app.
  directories: { output: 'release', buildResources: 'build' },
  extraMetadata: { homepage },

  // Main, preload and renderer are bundled whole by esbuild and Vite, so the app needs no
  // node_modules at run time. electron-builder copies production dependencies separately from
  // `files` and applies only its exclusions to them: `!node_modules/**` is what keeps react,
  // recharts & co. (already inside the bundles) out of the asar. Source maps are not used at run
  // time and would double the size.
  files: ['dist/electron/**', 'dist/renderer/**', 'package.json', '!**/*.map', '!node_modules/**'],
  asar: true,
  // The relay, demo peer and probe run as separate processes (Electron's own Node, through
  // ELECTRON_RUN_AS_NODE=1, behind taskset/chrt/nice on Linux). They ship beside app.asar as plain
  // files rather than inside it, so they do not depend on Electron's asar shim in the child and an
  // operator can read them or run one with any Node 22+ to diagnose a box:
  // <resources>/relay/relay.mjs is the path electron/main.ts uses when app.isPackaged.
  // The tray icons and the app icon (for notifications) sit there too, as plain files the OS's
  // tray and notification hosts can read.
  extraResources: [
    { from: 'dist/relay', to: 'relay', filter: ['*.mjs'] },
    { from: 'build/icons/tray', to: 'icons/tray', filter: ['*.png'] },
    { from: 'build/icons', to: 'icons', filter: ['icon.png'] },
  ],
  // No native module anywhere (history uses the built-in node:sqlite): nothing to rebuild, and
  // skipping it keeps packaging from reaching for node-gyp headers.
  npmRebuild: false,
  nodeGypRebuild: false,

  // Flipped in the binary right before signing (electron-builder does this itself).
  electronFuses: {
    // Must stay ON: the relay, demo peer and probe are spawned as process.execPath with
    // ELECTRON_RUN_AS_NODE=1 so that no second Node runtime ships. Turning it off would make every
    // one of them start a second copy of the app instead of running the script.
    runAsNode: true,
    enableCookieEncryption: true,
    // NODE_OPTIONS and --inspect are ways to inject code into a signed app; the app needs neither.
    // (Children launched as run-as-node are started by our code with an explicit environment.)
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    // macOS and Windows check app.asar against the hash electron-builder embeds; with
    // onlyLoadAppFromAsar nothing unchecked can be loaded as the app instead.
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    // Must stay ON while the renderer is loaded from file:// (electron/shell/window.ts loads
    // <app.asar>/dist/renderer/index.html). With this fuse off Electron no longer installs its
    // asar-aware loader for file:// (shell/browser/protocol_registry.cc) and turns off file access
    // from file URLs, so index.html inside app.asar fails to load (ERR_FILE_NOT_FOUND) and Vite's
    // `<script type="module" crossorigin>` is refused. Turning it off needs the renderer served
    // from a custom protocol (protocol.handle) first.
    grantFileProtocolExtraPrivileges: true,
  },

  linux: {
    target: ['AppImage', 'deb'],
    // Named sizes (16x16.png … 1024x1024.png) become the hicolor icon theme entries.
    icon: 'build/icons/png',
    category: 'Network',
    executableName: 'sprint-control',
    maintainer,
    vendor: 'Bitcoin Sprint',
    synopsis,
    description,
  },
  appImage: { synopsis, description, category: 'Network' },
  deb: {
    packageCategory: 'net',
    priority: 'optional',
    // The tray needs an AppIndicator library on most desktops; Debian 12+ and Ubuntu 22.04+ ship
    // only the Ayatana one, so offer both rather than electron-builder's default (the old name).
    recommends: ['libayatana-appindicator3-1 | libappindicator3-1'],
  },

  win: {
    target: [{ target: 'nsis', arch: ['x64'] }],
    icon: 'build/icons/icon.ico',
  },
  nsis: {
    // Assisted installer, per user by default: no administrator prompt, installs under
    // %LOCALAPPDATA%\Programs, and start-at-login uses the user's own Run key.
    oneClick: false,
    perMachine: false,
    selectPerMachineByDefault: false,
    allowToChangeInstallationDirectory: true,
    createDesktopShortcut: true,
    createStartMenuShortcut: true,
    shortcutName: 'Sprint Control',
    installerIcon: 'build/icons/icon.ico',
    uninstallerIcon: 'build/icons/icon.ico',
    runAfterFinish: true,
    // Settings and history stay on uninstall: reinstalling must not lose the performance record.
    deleteAppDataOnUninstall: false,
  },

  mac: {
    target: ['dmg'],
    icon: 'build/icons/icon.icns',
    category: 'public.app-category.developer-tools',
    hardenedRuntime: true,
    entitlements: 'build/entitlements.mac.plist',
    entitlementsInherit: 'build/entitlements.mac.plist',
    darkModeSupport: true,
  },
  dmg: {
    // electron-builder's macro syntax, expanded at build time.
    title: '${productName} ${version}',
  },
};

module.exports = config;
