import { randomBytes } from 'node:crypto';
import { ApiError } from '../../../shared/api';
import {
  FleetAddRequest,
  MAX_FLEET_ENTRIES,
  type FleetEntry,
  type FleetRow,
  type FleetSnapshot,
  type FleetWindow,
} from '../../../shared/fleet';
import type { RelayStatus } from '../../../shared/relay-status';
import type { FleetStore } from './fleet-store';
import { panelRow, verifyEntry } from './entries';
import { PrometheusSource } from './prometheus-source';
import { readRelay, type RelayReading } from './relay-reading';
import { RemotePanel, splitPanelUrl } from './remote-panel';
import { emptyRow, instanceOf, rowFromReading, withLag, withPrometheus } from './rows';
import { ScrapeHistory } from './scrape-history';
import type { SecretStore } from './secret-store';

export interface LocalRelay {
  status(): RelayStatus;
  endpoint(): { healthUrl: string } | null;
}

export interface FleetServiceOptions {
  readonly store: FleetStore;
  readonly secrets: SecretStore;
  readonly local: LocalRelay;
  /** How often relays' /metrics are scraped in the background (window figures need history). */
  readonly pollMs?: number;
}

interface Scraped {
  history: ScrapeHistory;
  last: RelayReading | null;
  error: string | null;
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The Fleet view behind the API: the local relay, remote relays (read-only, by health URL), relays a
 * Prometheus knows, and remote headless panels (driven through their API with their token).
 */
export class FleetService {
  private readonly scraped = new Map<string, Scraped>();
  private readonly panels = new Map<string, RemotePanel>();
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;

  constructor(private readonly options: FleetServiceOptions) {
    for (const entry of options.store.list()) this.open(entry);
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.poll(), this.options.pollMs ?? 5000);
    this.timer.unref();
    void this.poll();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const panel of this.panels.values()) panel.close();
    this.panels.clear();
  }

  entries(): readonly FleetEntry[] {
    return this.options.store.list();
  }

  get tokenStorage(): string {
    return this.options.secrets.description;
  }

  /** Scrapes every relay read through its own /metrics (the local one and `relay` entries). */
  poll(): Promise<void> {
    this.polling ??= this.scrapeAll().finally(() => (this.polling = null));
    return this.polling;
  }

  async list(window: FleetWindow, localOnly = false): Promise<FleetSnapshot> {
    await this.poll();
    const at = Date.now();
    const entries = localOnly ? [] : this.options.store.list();
    const rows: FleetRow[] = [this.localRow(window, at)];
    const remote = await Promise.all(
      entries.filter((e) => e.kind !== 'prometheus').map((e) => this.entryRow(e, window, at)),
    );
    rows.push(...remote);
    const prom = entries.find((e) => e.kind === 'prometheus');
    let prometheus: FleetSnapshot['prometheus'] = null;
    if (prom) {
      try {
        const figures = await new PrometheusSource(prom.url).relays(window, at);
        for (const f of figures) {
          const i = rows.findIndex((r) => r.instance === f.instance);
          if (i >= 0) rows[i] = withPrometheus(rows[i]!, f, window);
          else
            rows.push(
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
        prometheus = { url: prom.url, ok: true, error: null };
      } catch (error) {
        prometheus = { url: prom.url, ok: false, error: describe(error) };
      }
    }
    return {
      window,
      at,
      rows: withLag(rows),
      entries: [...entries],
      prometheus,
      tokenStorage: this.tokenStorage,
    };
  }

  async add(raw: FleetAddRequest): Promise<FleetEntry> {
    const request = FleetAddRequest.parse(raw);
    const entries = this.options.store.list();
    if (entries.length >= MAX_FLEET_ENTRIES) {
      throw new ApiError(
        'INVALID_PARAMS',
        `The fleet holds at most ${MAX_FLEET_ENTRIES} entries; remove one first.`,
      );
    }
    const { url, token: tokenInUrl } =
      request.kind === 'panel' ? splitPanelUrl(request.url) : { url: request.url, token: null };
    if (entries.some((e) => e.url === url))
      throw new ApiError('INVALID_PARAMS', `${url} is already in the fleet.`);
    if (request.kind === 'prometheus' && entries.some((e) => e.kind === 'prometheus')) {
      throw new ApiError('INVALID_PARAMS', 'A Prometheus server is already configured; remove it first.');
    }
    const token = request.token ?? tokenInUrl;
    await verifyEntry(request.kind, url, token);
    const entry: FleetEntry = {
      id: randomBytes(5).toString('hex'),
      kind: request.kind,
      url,
      label: request.label || new URL(url).host,
      addedAt: Date.now(),
    };
    if (token && request.kind === 'panel') this.options.secrets.set(entry.id, token);
    this.options.store.add(entry);
    this.open(entry);
    return entry;
  }

  remove(id: string): boolean {
    this.panels.get(id)?.close();
    this.panels.delete(id);
    this.scraped.delete(id);
    this.options.secrets.delete(id);
    return this.options.store.remove(id);
  }

  /** The remote panel behind an entry, or a clear refusal when the entry is read-only. */
  panel(id: string): RemotePanel {
    const entry = this.options.store.list().find((e) => e.id === id);
    if (!entry) throw new ApiError('INVALID_PARAMS', `No fleet entry "${id}".`);
    const panel = this.panels.get(id);
    if (entry.kind !== 'panel' || !panel) {
      throw new ApiError(
        'UNSUPPORTED',
        `${entry.label} is read-only: only another Sprint Control panel in headless mode can be driven.`,
      );
    }
    return panel;
  }

  private open(entry: FleetEntry): void {
    if (entry.kind === 'relay')
      this.scraped.set(entry.id, { history: new ScrapeHistory(), last: null, error: null });
    if (entry.kind !== 'panel') return;
    const token = this.options.secrets.get(entry.id);
    if (token) this.panels.set(entry.id, new RemotePanel(entry.url, token));
  }

  private async scrapeAll(): Promise<void> {
    const targets: Array<[string, string]> = [];
    const local = this.options.local.endpoint();
    if (local) targets.push(['local', local.healthUrl]);
    else this.scraped.delete('local');
    for (const e of this.options.store.list()) if (e.kind === 'relay') targets.push([e.id, e.url]);
    await Promise.all(
      targets.map(async ([id, url]) => {
        const slot = this.scraped.get(id) ?? { history: new ScrapeHistory(), last: null, error: null };
        this.scraped.set(id, slot);
        try {
          slot.last = await readRelay(url);
          slot.error = null;
          slot.history.add(slot.last.at, slot.last.buckets);
        } catch (error) {
          slot.error = describe(error);
        }
      }),
    );
  }

  private figuresRow(row: FleetRow, id: string, window: FleetWindow, at: number): FleetRow {
    const slot = this.scraped.get(id);
    if (!slot?.last) return { ...row, error: slot?.error ?? row.error };
    const figures = slot.history.figures(window, slot.last.targetMs, at);
    return { ...rowFromReading(row, slot.last, figures), error: slot.error };
  }

  private localRow(window: FleetWindow, at: number): FleetRow {
    const status = this.options.local.status();
    const endpoint = this.options.local.endpoint();
    const base = emptyRow({
      id: 'local',
      source: 'local',
      name: 'This panel',
      instance: endpoint ? instanceOf(endpoint.healthUrl) : null,
    });
    const row = {
      ...base,
      tier: status.tier,
      state: status.state,
      tip: status.upstream?.tip?.height ?? null,
    };
    if (!endpoint) return row;
    const scraped = this.figuresRow(row, 'local', window, at);
    // The supervisor knows better than a scrape whether the relay is running at all.
    return status.state === 'running' ? scraped : { ...scraped, state: status.state };
  }

  private async entryRow(entry: FleetEntry, window: FleetWindow, at: number): Promise<FleetRow> {
    const base = emptyRow({
      id: entry.id,
      source: entry.kind === 'panel' ? 'panel' : 'relay',
      name: entry.label,
      instance: entry.kind === 'relay' ? instanceOf(entry.url) : null,
    });
    if (entry.kind === 'relay') {
      const row = this.figuresRow(base, entry.id, window, at);
      return row.error && row.via === 'none' ? { ...row, state: 'unreachable' } : row;
    }
    return panelRow(base, entry, this.panels.get(entry.id), window);
  }
}
