/**
 * Every way an upstream peer can break the protocol. The code is what the relay logs when it drops
 * the peer, so operators (and the fuzz test) can tell a corrupt link from a hostile or buggy node.
 */
export type P2PErrorCode =
  | 'BAD_MAGIC'
  | 'BAD_COMMAND'
  | 'OVERSIZED'
  | 'BAD_CHECKSUM'
  | 'TRUNCATED'
  | 'MALFORMED'
  | 'BAD_BITS'
  | 'BAD_POW'
  | 'NONCONTINUOUS_HEADERS'
  | 'UNCONNECTED_HEADERS'
  | 'OBSOLETE_VERSION'
  | 'DUPLICATE_VERSION'
  | 'SELF_CONNECTION'
  // Header rules (relay/chain/rules.ts) and side-chain bounds (relay/chain/side.ts).
  | 'BAD_DIFFICULTY'
  | 'TIME_TOO_OLD'
  | 'TIME_TOO_NEW'
  | 'TIME_TIMEWARP'
  | 'CHECKPOINT_MISMATCH'
  | 'FORK_BELOW_CHECKPOINT'
  | 'LOW_WORK_FORK'
  | 'SIDE_CHAIN_FLOOD'
  | 'LOW_WORK_CHAIN';

export class P2PProtocolError extends Error {
  override readonly name = 'P2PProtocolError';
  constructor(
    readonly code: P2PErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}
