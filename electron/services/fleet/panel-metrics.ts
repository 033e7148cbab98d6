import { Counter, Gauge, Registry } from 'prom-client';
import { RELAY_STATES, type RelayStatus } from '../../../shared/relay-status';
import { FleetEntryKind, type FleetEntry } from '../../../shared/fleet';

/**
 * The panel's own view for Prometheus (headless mode's GET /metrics, behind its token): what only
 * the supervisor knows, such as restarts it made and the state it holds the relay in.
 */
export function createPanelMetrics(sources: {
  status(): RelayStatus;
  entries(): readonly FleetEntry[];
}): Registry {
  const registry = new Registry();
  const registers = [registry];
  new Gauge({
    name: 'sprint_control_relay_up',
    help: 'Whether the supervised relay is running (1) or not (0)',
    registers,
    collect() {
      this.set(sources.status().state === 'running' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'sprint_control_relay_state',
    help: 'Supervisor state of the relay, one series per state, 1 for the current one',
    labelNames: ['state'],
    registers,
    collect() {
      const now = sources.status().state;
      for (const state of RELAY_STATES) this.set({ state }, state === now ? 1 : 0);
    },
  });
  new Gauge({
    name: 'sprint_control_tier_info',
    help: 'Tier selected in the panel, value 1',
    labelNames: ['tier'],
    registers,
    collect() {
      this.reset();
      this.set({ tier: sources.status().tier }, 1);
    },
  });
  new Counter({
    name: 'sprint_control_relay_restarts_total',
    help: 'Relay restarts the supervisor made since the panel started (crashes and tier switches)',
    registers,
    collect() {
      // The supervisor keeps the count; mirror it (it only grows while the panel runs).
      this.reset();
      this.inc(sources.status().restarts);
    },
  });
  new Gauge({
    name: 'sprint_control_fleet_entries',
    help: 'Remote entries in the Fleet view, by kind',
    labelNames: ['kind'],
    registers,
    collect() {
      for (const kind of FleetEntryKind.options) {
        this.set({ kind }, sources.entries().filter((e) => e.kind === kind).length);
      }
    },
  });
  return registry;
}
