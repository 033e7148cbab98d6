import { P2PProtocolError } from '../wire/protocol-error';

/** The P2PProtocolError code `fn` throws, or undefined when it returns; any other error is rethrown. */
export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof P2PProtocolError) return err.code;
    throw err;
  }
  return undefined;
}
