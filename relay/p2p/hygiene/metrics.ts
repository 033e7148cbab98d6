import { Counter, Histogram, type Registry } from 'prom-client';

/** What upstream hygiene reports; the relay wires it to Prometheus, tests may record it. */
export interface PeerEventSink {
  disconnect(reason: string): void;
  ban(reason: string): void;
  announceLead(peer: string, leadMs: number): void;
}

/** From 0 (first) to a minute behind: loopback peers differ by ms, real ones by seconds. */
const LEAD_BUCKETS = [0, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/**
 * The peer-hygiene metrics. `reason` labels are disconnect or violation codes (a fixed set) and
 * `peer` labels are the configured upstream addresses, so neither grows with what peers send.
 */
export function peerMetrics(registry: Registry): PeerEventSink {
  const registers = [registry];
  const disconnects = new Counter({
    name: 'bitcoin_sprint_peer_disconnects_total',
    help: 'Upstream peer disconnections by reason code',
    labelNames: ['reason'],
    registers,
  });
  const bans = new Counter({
    name: 'bitcoin_sprint_peer_bans_total',
    help: 'Upstream peers banned for misbehaving, by reason code',
    labelNames: ['reason'],
    registers,
  });
  const lead = new Histogram({
    name: 'bitcoin_sprint_peer_announce_lead_seconds',
    help: 'How long after the first announcer each peer announced a block (0 for the first)',
    labelNames: ['peer'],
    buckets: LEAD_BUCKETS,
    registers,
  });
  return {
    disconnect: (reason) => disconnects.inc({ reason }),
    ban: (reason) => bans.inc({ reason }),
    announceLead: (peer, leadMs) => lead.observe({ peer }, leadMs / 1000),
  };
}

export const NO_PEER_EVENTS: PeerEventSink = {
  disconnect: () => undefined,
  ban: () => undefined,
  announceLead: () => undefined,
};
