import { randomBytes } from 'node:crypto';
import { ApiError } from '../../../shared/api';
import {
  FleetAddRequest,
  FleetRow as FleetRowSchema,
  MAX_FLEET_ENTRIES,
  type FleetEntry,
  type FleetRow,
  type FleetSnapshot,
  type FleetWindow,
} from '../../../shared/fleet';
import type { RelayStatus } from '../../../shared/relay-status';
import type { FleetStore } from './fleet-store';
import { panelRow, verifyEntry } from './entries';
import { MAX_PROMETHEUS_RELAYS, PrometheusSource, type PromRelayFigures } from './prometheus-source';
import { readRelay, type RelayReading } from './relay-reading';
import { RemotePanel, splitPanelUrl } from './remote-panel';
import { emptyRow, instanceOf, rowFromReading, withLag, withPrometheus } from './rows';
import { ScrapeHistory } from './scrape-history';
import type { SecretStore } from './secret-store';
import { sameRelayUrl } from './same-relay';
import { FleetValueError } from './values';

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
/** A row whose last good scrape is older than this many scrape intervals is never shown live. */
export const STALE_AFTER_INTERVALS = 2;

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

interface Scraped {
  history: ScrapeHistory;
  last: RelayReading | null;
  /** When `last` was read: a row is judged by how old its last good answer is, not by `last` alone. */
  lastOkAt: number | null;
  url?: string;
  error: string | null;
  /** The relay answered, with values out of range (shown as "invalid", not "unreachable"). */
  invalid: boolean;
}

const newSlot = (): Scraped => ({
  history: new ScrapeHistory(),
  last: null,
  lastOkAt: null,
  error: null,
  invalid: false,
});

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

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The Fleet view behind the API: the local relay, remote relays (read-only, by health URL), relays a
 * Prometheus knows, and remote headless panels (driven through their API with their token).
 */
export class FleetService {
  private readonly scraped = new Map<string, Scraped>();
  private readonly panels = new Map<string, RemotePanel>();
  private timer: NodeJS.Timeout | null = null;
  /** Scrapes under way, by entry and URL: a relay still dripping is not asked twice at once. */
  private readonly inFlight = new Map<string, Promise<void>>();

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
                  this.hasAnswered(e.id) ? this.entryRow(e, window, at) : this.lateRow(e, late),
                )
              : cutoff.by(this.entryRow(e, window, at), () => this.lateRow(e, late)),
          ),
      ),
      prom
        ? cutoff.by(
            this.prometheusFigures(prom.url, window, at),
            (): { figures: PromRelayFigures[]; total: number; error: string } => ({
              figures: [],
              total: 0,
              error: `Prometheus at ${prom.url}: ${late}`,
            }),
          )
        : null,
    ]).finally(cutoff.clear);
    await polled;
    const rows: FleetRow[] = [this.localRow(window, at), ...remote];
    let prometheus: FleetSnapshot['prometheus'] = null;
    if (prom && promFigures) {
      for (const f of promFigures.figures) {
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
      const shortened =
        promFigures.total > MAX_PROMETHEUS_RELAYS
          ? `Prometheus knows ${promFigures.total} relays; the first ${MAX_PROMETHEUS_RELAYS} are shown.`
          : null;
      prometheus = {
        url: prom.url,
        ok: promFigures.error === null,
        error: promFigures.error ?? shortened,
      };
    }
    return {
      window,
      at,
      rows: withLag(rows).map(checkedRow),
      entries: [...entries],
      prometheus,
      tokenStorage: this.tokenStorage,
    };
  }

  private async prometheusFigures(
    url: string,
    window: FleetWindow,
    at: number,
  ): Promise<{ figures: PromRelayFigures[]; total: number; error: string | null }> {
    const source = new PrometheusSource(url);
    try {
      const figures = await source.relays(window, at);
      return { figures, total: source.lastKnown, error: null };
    } catch (error) {
      return { figures: [], total: 0, error: describe(error) };
    }
  }

  /** A relay scraped at least once, well or not: it has something of its own to show. */
  private hasAnswered(id: string): boolean {
    const slot = this.scraped.get(id);
    return slot !== undefined && (slot.last !== null || slot.error !== null);
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
    if (entry.kind === 'relay') this.scraped.set(entry.id, newSlot());
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
    // Per relay, not per round: one that hangs to its deadline does not hold back a fresh scrape of
    // the others, so a listing never shows a scrape that began a whole listing earlier.
    await Promise.all(
      targets.map(([id, url]) => {
        const key = `${id} ${url}`;
        let scrape = this.inFlight.get(key);
        if (!scrape) {
          scrape = this.scrapeOne(id, url).finally(() => this.inFlight.delete(key));
          this.inFlight.set(key, scrape);
        }
        return scrape;
      }),
    );
  }

  private async scrapeOne(id: string, url: string): Promise<void> {
    const slot = this.scraped.get(id) ?? newSlot();
    this.scraped.set(id, slot);
    // The local relay moves port at every tier switch: a new URL is a new relay's history.
    if (slot.url !== undefined && slot.url !== url) Object.assign(slot, newSlot());
    slot.url = url;
    try {
      const reading = await readRelay(url);
      // Removed meanwhile, or moved to another URL: this answer belongs to no row now.
      if (this.scraped.get(id) !== slot || slot.url !== url) return;
      slot.last = reading;
      slot.lastOkAt = reading.at;
      slot.error = null;
      slot.invalid = false;
      slot.history.add(reading.at, reading.buckets);
    } catch (error) {
      if (this.scraped.get(id) !== slot || slot.url !== url) return;
      slot.error = describe(error);
      slot.invalid = error instanceof FleetValueError;
    }
  }

  private figuresRow(row: FleetRow, id: string, window: FleetWindow, at: number): FleetRow {
    const slot = this.scraped.get(id);
    if (!slot?.last || slot.lastOkAt === null) {
      const state = slot?.invalid ? 'invalid' : slot?.error ? 'unreachable' : row.state;
      return { ...row, state, error: slot?.error ?? row.error };
    }
    const figures = slot.history.figures(window, slot.last.targetMs, at);
    const shown = {
      ...rowFromReading(row, slot.last, figures),
      error: slot.error,
      lastSeenAt: slot.lastOkAt,
    };
    if (slot.invalid) return { ...shown, state: 'invalid' };
    // Liveness is measured: an answer older than two scrape intervals is not "live", whatever it said.
    const staleAfterMs = STALE_AFTER_INTERVALS * (this.options.pollMs ?? 5000);
    if (at - slot.lastOkAt > staleAfterMs) {
      const since = `no answer for ${Math.round((at - slot.lastOkAt) / 1000)} s`;
      return { ...shown, state: 'unreachable', error: slot.error ? `${since}: ${slot.error}` : since };
    }
    return shown;
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
    const scraped = { ...this.figuresRow(row, 'local', window, at), probe };
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
      return row.error && row.via === 'none' && row.state !== 'invalid'
        ? { ...row, state: 'unreachable' }
        : row;
    }
    return panelRow(base, entry, this.panels.get(entry.id), window);
  }
}

/** The last guard: a row that still fails the contract is shown as its own error, never the list's. */
function checkedRow(row: FleetRow): FleetRow {
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
