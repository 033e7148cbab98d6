/** How the CLI talks back: results on stdout (text or --json), progress and problems on stderr. */

export interface Output {
  readonly json: boolean;
  /** The command's result: printed as JSON with --json, else as the given lines. */
  result(value: unknown, text: () => string): void;
  /** One line on stderr, in either mode. */
  note(line: string): void;
  progress(label: string, done: number, total: number): void;
  endProgress(): void;
}

const BAR_WIDTH = 30;

export function createOutput(json: boolean, stdout = process.stdout, stderr = process.stderr): Output {
  const tty = stderr.isTTY === true;
  let lastPlain = '';
  let drawing = false;
  return {
    json,
    result(value, text) {
      stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`);
    },
    note(line) {
      if (drawing) stderr.write('\n');
      drawing = false;
      stderr.write(`${line}\n`);
    },
    progress(label, done, total) {
      const fraction = total > 0 ? Math.min(1, done / total) : 0;
      const percent = Math.floor(fraction * 100);
      if (tty) {
        const filled = Math.round(fraction * BAR_WIDTH);
        const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
        stderr.write(`\r\x1b[2K${label} ${bar} ${percent}% (${done}/${total})`);
        drawing = true;
        return;
      }
      // Not a terminal (CI logs): a plain line per label and each tenth, never a carriage return.
      const line = `${label} ${Math.floor(percent / 10) * 10}%`;
      if (line !== lastPlain) stderr.write(`${line}\n`);
      lastPlain = line;
    },
    endProgress() {
      if (drawing) stderr.write('\n');
      drawing = false;
    },
  };
}

/** Rows of cells as aligned text columns. */
export function columns(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
