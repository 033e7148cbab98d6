import { ApiError } from '../../../shared/api';
import type { FleetEntry, FleetEntryKind, FleetRow, FleetWindow } from '../../../shared/fleet';
import { FLEET_CALL_DEADLINE_MS } from './http-get';
import { PrometheusSource } from './prometheus-source';
import { readRelay } from './relay-reading';
import { type RemotePanel, verifyPanel } from './remote-panel';

/** A listing does not wait long for a remote panel whose socket is down. */
const LISTING_CONNECT_MS = 1500;
const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Before an entry is kept: the relay answers /metrics, the Prometheus answers PromQL, the panel takes the token. */
export async function verifyEntry(kind: FleetEntryKind, url: string, token: string | null): Promise<void> {
  if (kind === 'panel') {
    if (!token) {
      throw new ApiError(
        'INVALID_PARAMS',
        'A remote panel needs its token (the ?token=… its serve printed).',
      );
    }
    return verifyPanel(url, token);
  }
  if (kind === 'relay') {
    await readRelay(url).catch((error: unknown) => {
      throw new ApiError('UNREACHABLE', `No relay metrics at ${url}/metrics: ${describe(error)}`);
    });
    return;
  }
  await new PrometheusSource(url).query('vector(1)', Date.now()).catch((error: unknown) => {
    throw new ApiError('UNREACHABLE', describe(error));
  });
}

/** A remote panel's row: its own local row, as its fleet.list computes it, under this entry's name. */
export async function panelRow(
  base: FleetRow,
  entry: FleetEntry,
  panel: RemotePanel | undefined,
  window: FleetWindow,
): Promise<FleetRow> {
  if (!panel)
    return { ...base, state: 'refused', error: 'No token stored for this panel; remove and add it again.' };
  try {
    const remote = await panel.call(
      'fleet.list',
      { window, localOnly: true },
      undefined,
      LISTING_CONNECT_MS,
      FLEET_CALL_DEADLINE_MS,
    );
    const own = remote.rows.find((r) => r.source === 'local');
    if (!own) return { ...base, state: 'unknown', controllable: true };
    // Its relay's instance is host:port on that machine, not one this panel or its Prometheus knows.
    return {
      ...own,
      id: entry.id,
      source: 'panel',
      name: entry.label,
      instance: null,
      via: 'remote-panel',
      controllable: true,
    };
  } catch (error) {
    // A socket that will not come up is often a token the panel no longer takes (a restarted
    // headless panel draws a new one unless started with --token): ask over HTTP, which can say so.
    const why = await verifyPanel(entry.url, panel.token).then(
      () => error,
      (refusal: unknown) => refusal,
    );
    const refused = why instanceof ApiError && why.code === 'UNAUTHORIZED';
    return { ...base, state: refused ? 'refused' : 'unreachable', controllable: true, error: describe(why) };
  }
}
