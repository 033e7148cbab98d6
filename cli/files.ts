import { readFileSync, writeFileSync } from 'node:fs';
import { CliError, EXIT } from './exit-codes';

/** Reading a command's input file ('-' = stdin) is a usage matter; writing its output is the command's. */

export function readInput(file: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    throw new CliError(
      EXIT.usage,
      `Cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

export function writeOutput(file: string, content: string | Buffer): void {
  try {
    writeFileSync(file, content);
  } catch (error) {
    throw new CliError(
      EXIT.failed,
      `Cannot write ${file}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
