import {
  ApiError,
  COMMANDS,
  describeIssues,
  isCommandName,
  type CommandName,
  type CommandArgs,
  type CommandResult,
} from '../../../shared/api';

export interface CallContext {
  /** Aborted when the caller cancels or goes away (VS Code's cancellation token). */
  readonly signal: AbortSignal;
}

/** What the services implement: one async function per command, typed from the shared schemas. */
export type Handlers = {
  [M in CommandName]: (params: CommandArgs<M>, context: CallContext) => Promise<CommandResult<M>>;
};

export type Dispatch = (method: string, rawParams: unknown, context: CallContext) => Promise<unknown>;

/**
 * The single entry point every transport calls: checks the method exists, validates params, runs the
 * handler, and validates the result too, so a bug on this side shows up as a typed error rather than
 * as a malformed payload in the UI. Every failure leaves as an ApiError.
 */
export function createDispatcher(handlers: Handlers): Dispatch {
  return async (method, rawParams, context) => {
    if (!isCommandName(method)) {
      throw new ApiError('UNKNOWN_METHOD', `Unknown method "${method}".`);
    }
    const spec = COMMANDS[method];
    const params = spec.params.safeParse(rawParams ?? {});
    if (!params.success) {
      // The user sees this: it names the values and what is wrong, never the internal command name.
      throw new ApiError(
        'INVALID_PARAMS',
        `Not done: ${describeIssues(params.error)}. Correct the value and try again.`,
      );
    }
    let result: unknown;
    try {
      const handler = handlers[method] as (p: unknown, c: CallContext) => Promise<unknown>;
      result = await handler(params.data, context);
    } catch (error) {
      throw toApiError(error);
    }
    const checked = spec.result.safeParse(result);
    if (!checked.success) {
      throw new ApiError(
        'INVALID_RESULT',
        `The panel produced an answer it could not check (${describeIssues(checked.error)}); nothing was shown. Please report this with the panel's log.`,
      );
    }
    return checked.data;
  };
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof Error && error.name === 'AbortError') return new ApiError('CANCELLED', 'Cancelled.');
  const message = error instanceof Error ? error.message : String(error);
  return new ApiError('INTERNAL', `Internal error: ${message}`);
}
