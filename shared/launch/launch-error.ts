/** Why a launch step could not produce an answer; callers branch on `code`, never on the message. */
export type LaunchErrorCode =
  /** A /proc file or tool output was not in the shape the kernel or tool documents. */
  | 'parse'
  /** The process exited (or never existed) before it could be read. */
  | 'process-gone'
  /** The exec wrappers had not handed over to the target before the deadline. */
  | 'exec-timeout';

export class LaunchError extends Error {
  override readonly name = 'LaunchError';
  constructor(
    readonly code: LaunchErrorCode,
    message: string,
  ) {
    super(message);
  }
}
