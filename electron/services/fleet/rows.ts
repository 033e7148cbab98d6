import {
  FLEET_WINDOW_SECONDS,
  FleetRow as FleetRowSchema,
  type FleetRow,
  type FleetWindow,
} from '../../../shared/fleet';
import type { RelayReading } from './relay-reading';
import type { PromRelayFigures } from './prometheus-source';
import type { WindowFigures } from './scrape-history';

/** host:port of a health URL: what Prometheus puts in `instance` for a static target. */
export function instanceOf(url: string): string | null {
  try {
    const u = new URL(url);
    return u.port ? `${u.hostname}:${u.port}` : u.host;
  } catch {
    return null;
  }
}

export function emptyRow(base: Pick<FleetRow, 'id' | 'source' | 'name' | 'instance'>): FleetRow {
  return {
    ...base,
    tier: null,
    state: 'unknown',
    network: null,
    tip: null,
    lagBlocks: null,
    p50Ms: null,
    p999Ms: null,
    compliance: null,
    targetMs: null,
    objective: null,
    samples: 0,
    coveredSeconds: 0,
    via: 'none',
    controllable: false,
    error: null,
    probe: null,
    lastSeenAt: null,
  };
}

/** A row from a relay's own /metrics: the latest reading and window figures from scrape deltas. */
export function rowFromReading(row: FleetRow, reading: RelayReading, figures: WindowFigures): FleetRow {
  return {
    ...row,
    tier: reading.tier ?? row.tier,
    state: reading.state,
    network: reading.network,
    tip: reading.tip,
    targetMs: reading.targetMs,
    objective: reading.objective,
    ...figures,
    via: 'metrics',
  };
}

/** Prometheus's figures replace scraped ones: its history is longer and shared with the dashboards. */
export function withPrometheus(row: FleetRow, p: PromRelayFigures, window: FleetWindow): FleetRow {
  if (p.error !== null) return { ...row, error: p.error };
  const state = p.up === false ? 'down' : p.syncProgress !== null && p.syncProgress < 1 ? 'syncing' : 'up';
  return {
    ...row,
    tier: p.tier ?? row.tier,
    // The supervisor's own state is more exact for the local relay than "the scrape worked".
    state: row.source === 'local' ? row.state : state,
    network: p.network ?? row.network,
    tip: p.tip === null ? row.tip : Math.round(p.tip),
    targetMs: p.targetMs ?? row.targetMs,
    objective: p.objective ?? row.objective,
    p50Ms: p.p50Ms,
    p999Ms: p.p999Ms,
    compliance: p.compliance,
    samples: p.samples,
    coveredSeconds: FLEET_WINDOW_SECONDS[window],
    via: 'prometheus',
  };
}

/** Lag behind the best tip among rows of the same network. */
export function withLag(rows: FleetRow[]): FleetRow[] {
  const best = new Map<string, number>();
  for (const r of rows) {
    if (r.tip === null) continue;
    const key = r.network ?? '';
    best.set(key, Math.max(best.get(key) ?? r.tip, r.tip));
  }
  return rows.map((r) => ({
    ...r,
    lagBlocks: r.tip === null ? null : (best.get(r.network ?? '') ?? r.tip) - r.tip,
  }));
}

/** The last guard: a row that still fails the contract is shown as its own error, never the list's. */
export function checkedRow(row: FleetRow): FleetRow {
  const checked = FleetRowSchema.safeParse(row);
  if (checked.success) return checked.data;
  const issue = checked.error.issues[0];
  const field = issue ? issue.path.join('.') : 'a figure';
  const base = emptyRow({
    id: row.id.slice(0, 220),
    source: row.source,
    name: row.name.slice(0, 220),
    instance: row.instance?.slice(0, 220) ?? null,
  });
  return { ...base, state: 'invalid', error: `${row.source}: ${field} is out of range` };
}
