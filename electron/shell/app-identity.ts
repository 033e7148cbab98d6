/**
 * The app's identity as the installers register it. build/electron-builder.config.cjs repeats these
 * (it is CommonJS and cannot import TypeScript); test/build-config.test.ts checks the two agree.
 */
export const APP_ID = 'io.bitcoinsprint.control';
export const PRODUCT_NAME = 'Sprint Control';
/** The Linux executable (linux.executableName), also the .desktop file's and icon's base name. */
export const LINUX_EXECUTABLE_NAME = 'sprint-control';
