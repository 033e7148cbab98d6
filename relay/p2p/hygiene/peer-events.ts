/**
 * What upstream hygiene reports about peers. The P2P code only calls these; the relay wires them to
 * Prometheus (relay/health/peer-metrics.ts) and tests may record them.
 */
export interface PeerEventSink {
  disconnect(reason: string): void;
  ban(reason: string): void;
  announceLead(peer: string, leadMs: number): void;
}

export const NO_PEER_EVENTS: PeerEventSink = {
  disconnect: () => undefined,
  ban: () => undefined,
  announceLead: () => undefined,
};
