import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  binaryCommand,
  bundledScript,
  findPromtool,
  formatTable,
  runConformance,
  type RelayCommand,
} from './services/conformance';

/**
 * npm run conformance -- /path/to/binary [args…]   (or --builtin for our relay under Node)
 * Prints one line per clause as it finishes, then the table; exits 1 when a clause fails, 2 on usage.
 */

const distRelay = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../relay');

function usage(message: string): never {
  process.stderr.write(
    `${message}\nusage: npm run conformance -- /absolute/path/to/relay-binary [args…] | --builtin\n`,
  );
  process.exit(2);
}

async function main(): Promise<void> {
  const [first, ...rest] = process.argv.slice(2);
  if (first === undefined || first === '--help') usage('give the relay binary to check');
  let relay: RelayCommand;
  let label: string;
  if (first === '--builtin') {
    relay = bundledScript(distRelay, 'relay.mjs');
    label = 'built-in relay (dist/relay/relay.mjs)';
  } else {
    try {
      relay = binaryCommand(path.resolve(first), rest);
    } catch (error) {
      usage(error instanceof Error ? error.message : String(error));
    }
    label = path.resolve(first);
  }
  const report = await runConformance({
    relay,
    label,
    peer: bundledScript(distRelay, 'demo-peer.mjs'),
    promtool: findPromtool(),
    onResult: (r) => process.stderr.write(`  ${r.status.padEnd(14)} ${r.clause}\n`),
  });
  process.stdout.write(`${formatTable(report)}\n`);
  process.exit(report.results.some((r) => r.status === 'fail') ? 1 : 0);
}

void main();
