import type { SyncPeer } from '../p2p/header-sync';

/** `n` headers of a concatenated header buffer from height `from`, as the wire hands them to sync. */
export const headerSlices = (buf: Buffer, from: number, n: number): Buffer[] =>
  Array.from({ length: n }, (_, i) => buf.subarray((from + i) * 80, (from + i + 1) * 80));

/** A peer for header sync without a socket: it keeps each getheaders payload sent to it. */
export function fakeSyncPeer(startHeight: number): SyncPeer & { sent: Buffer[] } {
  const sent: Buffer[] = [];
  return {
    address: 'fake:1',
    remote: { startHeight },
    sent,
    send(command, payload) {
      if (command === 'getheaders' && payload) sent.push(payload);
    },
  };
}
