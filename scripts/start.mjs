// `npm start`: launch the desktop app where an Electron binary is installed; elsewhere say so in one
// line and fall back to headless mode, which prints the URL to open.
import { spawn } from 'node:child_process';
import { findElectronBinary } from './electron-binary.mjs';

const binary = findElectronBinary();
const [command, args] = binary
  ? [binary, ['.', ...process.argv.slice(2)]]
  : [process.execPath, ['dist/electron/serve.mjs', ...process.argv.slice(2)]];
if (!binary) {
  console.log(
    'No Electron binary installed (npm run electron:fetch installs one); starting headless mode instead.',
  );
}
const child = spawn(command, args, { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
