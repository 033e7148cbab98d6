/** Exit codes scripts can rely on (docs/operations.md, "Command-line client"). */
export const EXIT = {
  ok: 0,
  /** The panel answered the command with an error (bad profile file, relay failed to start…). */
  failed: 1,
  /** The command line itself is wrong: unknown command, bad option, bad tier name. */
  usage: 2,
  /** No panel to talk to: none running, unreachable, or the token was refused. */
  connect: 3,
  /** sla-test finished and at least one tier failed its SLA. */
  slaFailed: 4,
  /** Interrupted (Ctrl-C); a running SLA test or export is cancelled on the panel. */
  interrupted: 130,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure that ends the command with a given exit code and a message for stderr. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    /** The panel's error code, when the panel sent one. */
    readonly code?: string,
  ) {
    super(message);
  }
}
