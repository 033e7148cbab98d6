import type { PanelConnection, Target } from './connection';
import type { ExitCode } from './exit-codes';
import type { Output } from './output';

/** What a command has when it runs: the connected panel, where it is, the output, Ctrl-C. */
export interface RunContext {
  readonly panel: PanelConnection;
  readonly target: Target;
  readonly out: Output;
  readonly signal: AbortSignal;
}

/** A command checked against its arguments before any connection is made (usage errors first). */
export type Planned = (context: RunContext) => Promise<ExitCode>;
