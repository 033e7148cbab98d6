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
import { prometheusFigures, withPrometheusRows, type PromListing } from './prometheus-rows';
import { RemotePanel, splitPanelUrl } from './remote-panel';
import { RelayScraper } from './relay-scraper';
import { checkedRow, emptyRow, instanceOf, withLag } from './rows';
import type { SecretStore } from './secret-store';
import { sameRelayUrl } from './same-relay';

/**
 * fleet.list's own budget, separate from each remote call's (FLEET_CALL_DEADLINE_MS): at this point
 * after it began the listing answers from what it has, every row still waiting marked as such, while
 * the calls themselves run on to their own deadline and feed the next listing. It is shorter than a
 * call's deadline so that the stated bound below holds whatever the remotes do.
 */
export const FLEET_LIST_DEADLINE_MS = 2500;
/**
 * fleet.list answers within this even when every remote hangs or drips: its own deadline plus room
 * for assembling the rows on an event loop kept busy by large answers being parsed.
 */
export const FLEET_LIST_BOUND_MS = 4000;

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
  /** This panel's own probe counts over the window (the Dashboard's measure); null without any. */
  readonly probe?: (window: FleetWindow, at: number) => { n: number; misses: number } | null;
}

/** One timer for a whole listing: `by(promise, fallback)` is `promise`, or `fallback()` once it fires. */
function cutoffAfter(ms: number) {
  let timer: NodeJS.Timeout | undefined;
  const passed = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  return {
    by: <T>(promise: Promise<T>, fallback: () => T): Promise<T> =>
      Promise.race([promise, passed.then(fallback)]),
    clear: () => clearTimeout(timer),
  };
}

/**
 * The Fleet view behind the API: the local relay, remote relays (read-only, by health URL), relays a
 * Prometheus knows, and remote headless panels (driven through their API with their token).
 */
export class FleetService {
  private readonly scraper: RelayScraper;
  private readonly panels = new Map<string, RemotePanel>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly options: FleetServiceOptions) {
    this.scraper = new RelayScraper(options.pollMs ?? 5000);
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
    return this.scrapeAll();
  }

  async list(window: FleetWindow, localOnly = false): Promise<FleetSnapshot> {
    const at = Date.now();
    const entries = localOnly ? [] : this.options.store.list();
    const prom = entries.find((e) => e.kind === 'prometheus');
    const cutoff = cutoffAfter(FLEET_LIST_DEADLINE_MS);
    const late = `no answer within ${FLEET_LIST_DEADLINE_MS / 1000} s`;
    // Relay rows read the scrape this listing waits for; panels and Prometheus are asked meanwhile.
    const polled = cutoff.by(this.poll(), () => undefined);
    const [remote, promFigures] = await Promise.all([
      Promise.all(
        entries
          .filter((e) => e.kind !== 'prometheus')
          .map((e) =>
            e.kind === 'relay'
              ? polled.then(() =>
                  this.scraper.hasAnswered(e.id) ? this.entryRow(e, window, at) : this.lateRow(e, late),
                )
              : cutoff.by(this.entryRow(e, window, at), () => this.lateRow(e, late)),
          ),
      ),
      prom
        ? cutoff.by(prometheusFigures(prom.url, window, at), (): PromListing => ({
            figures: [],
            total: 0,
            error: `Prometheus at ${prom.url}: ${late}`,
          }))
        : null,
    ]).finally(cutoff.clear);
    await polled;
    const local = [this.localRow(window, at), ...remote];
    const { rows, prometheus } =
      prom && promFigures
        ? withPrometheusRows(local, prom.url, promFigures, window)
        : { rows: local, prometheus: null };
    return {
      window,
      at,
      rows: withLag(rows).map(checkedRow),
      entries: [...entries],
      prometheus,
      tokenStorage: this.tokenStorage,
    };
  }

  private lateRow(entry: FleetEntry, why: string): FleetRow {
    return {
      ...emptyRow({
        id: entry.id,
        source: entry.kind === 'panel' ? 'panel' : 'relay',
        name: entry.label,
        instance: entry.kind === 'relay' ? instanceOf(entry.url) : null,
      }),
      state: 'unreachable',
      controllable: entry.kind === 'panel',
      error: why,
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
    const same = entries.find((e) => e.kind === request.kind && sameRelayUrl(e.url, url));
    if (same) throw new ApiError('INVALID_PARAMS', `${url} is already in the fleet as "${same.label}".`);
    const local = this.options.local.endpoint();
    if (request.kind === 'relay' && local && sameRelayUrl(local.healthUrl, url)) {
      throw new ApiError(
        'INVALID_PARAMS',
        `${url} is this panel's own relay, already shown as "This panel"; it is not added twice.`,
      );
    }
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
    this.scraper.forget(id);
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
    if (entry.kind === 'relay') this.scraper.track(entry.id);
    if (entry.kind !== 'panel') return;
    const token = this.options.secrets.get(entry.id);
    if (token) this.panels.set(entry.id, new RemotePanel(entry.url, token));
  }

  private async scrapeAll(): Promise<void> {
    const targets: Array<[string, string]> = [];
    const local = this.options.local.endpoint();
    if (local) targets.push(['local', local.healthUrl]);
    else this.scraper.forget('local');
    for (const e of this.options.store.list()) if (e.kind === 'relay') targets.push([e.id, e.url]);
    await this.scraper.scrape(targets);
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
    const probe = this.options.probe?.(window, at) ?? null;
    if (!endpoint) return { ...row, probe };
    const scraped = { ...this.scraper.figuresRow(row, 'local', window, at), probe };
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
      const row = this.scraper.figuresRow(base, entry.id, window, at);
      return row.error && row.via === 'none' && row.state !== 'invalid'
        ? { ...row, state: 'unreachable' }
        : row;
    }
    return panelRow(base, entry, this.panels.get(entry.id), window);
  }
}
