import type { FleetRow, FleetSnapshot, FleetWindow } from '../../../shared/fleet';
import { MAX_PROMETHEUS_RELAYS, PrometheusSource, type PromRelayFigures } from './prometheus-source';
import { emptyRow, withPrometheus } from './rows';

/** What one listing asked of the configured Prometheus: its relays' figures, or why there are none. */
export interface PromListing {
  readonly figures: PromRelayFigures[];
  /** Relays Prometheus knows, before MAX_PROMETHEUS_RELAYS. */
  readonly total: number;
  readonly error: string | null;
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

export async function prometheusFigures(url: string, window: FleetWindow, at: number): Promise<PromListing> {
  const source = new PrometheusSource(url);
  try {
    const figures = await source.relays(window, at);
    return { figures, total: source.lastKnown, error: null };
  } catch (error) {
    return { figures: [], total: 0, error: describe(error) };
  }
}

/**
 * Prometheus' figures onto the rows: a relay both read directly and known to Prometheus is one row
 * (matched by instance), a relay only Prometheus knows gets a row of its own; the listing says when
 * Prometheus knew more relays than are shown.
 */
export function withPrometheusRows(
  rows: readonly FleetRow[],
  url: string,
  listing: PromListing,
  window: FleetWindow,
): { rows: FleetRow[]; prometheus: FleetSnapshot['prometheus'] } {
  const merged = [...rows];
  for (const f of listing.figures) {
    const i = merged.findIndex((r) => r.instance === f.instance);
    if (i >= 0) merged[i] = withPrometheus(merged[i]!, f, window);
    else
      merged.push(
        withPrometheus(
          emptyRow({
            id: `prom:${f.instance}`,
            source: 'prometheus',
            name: f.instance,
            instance: f.instance,
          }),
          f,
          window,
        ),
      );
  }
  const shortened =
    listing.total > MAX_PROMETHEUS_RELAYS
      ? `Prometheus knows ${listing.total} relays; the first ${MAX_PROMETHEUS_RELAYS} are shown.`
      : null;
  return { rows: merged, prometheus: { url, ok: listing.error === null, error: listing.error ?? shortened } };
}
