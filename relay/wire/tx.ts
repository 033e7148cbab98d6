import { P2PProtocolError } from './protocol-error';
import type { Reader } from './bytes';
import { MAX_MESSAGE_BYTES } from './constants';

// Loose per-field bounds: anything larger cannot fit in a 4 MB message anyway, and checking them
// before skipping keeps a lying count from being multiplied into a huge loop.
const MAX_IO = MAX_MESSAGE_BYTES / 9;
const MAX_SCRIPT = MAX_MESSAGE_BYTES;

/**
 * Walks one transaction (with or without BIP 144 witness data) without keeping it. The relay only
 * needs block headers, but must still know where each transaction ends to find the message's end.
 */
export function skipTransaction(r: Reader): void {
  r.skip(4); // version
  let inputs = r.varint(MAX_IO);
  let witness = false;
  if (inputs === 0) {
    // BIP 144: a zero input count is the segwit marker, followed by flag 0x01.
    const flag = r.u8();
    if (flag !== 1) throw new P2PProtocolError('MALFORMED', `bad segwit flag ${flag}`);
    witness = true;
    inputs = r.varint(MAX_IO);
    if (inputs === 0) throw new P2PProtocolError('MALFORMED', 'transaction without inputs');
  }
  for (let i = 0; i < inputs; i++) {
    r.skip(36); // previous outpoint
    r.skip(r.varint(MAX_SCRIPT));
    r.skip(4); // sequence
  }
  const outputs = r.varint(MAX_IO);
  for (let i = 0; i < outputs; i++) {
    r.skip(8);
    r.skip(r.varint(MAX_SCRIPT));
  }
  if (witness) {
    for (let i = 0; i < inputs; i++) {
      const items = r.varint(MAX_IO);
      for (let j = 0; j < items; j++) r.skip(r.varint(MAX_SCRIPT));
    }
  }
  r.skip(4); // locktime
}
