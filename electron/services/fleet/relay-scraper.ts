import type { FleetRow, FleetWindow } from '../../../shared/fleet';
import { readRelay, type RelayReading } from './relay-reading';
import { rowFromReading } from './rows';
import { ScrapeHistory } from './scrape-history';
import { FleetValueError } from './values';

/** A row whose last good scrape is older than this many scrape intervals is never shown live. */
export const STALE_AFTER_INTERVALS = 2;

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

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The relays the Fleet reads through their own /metrics (the local one and `relay` entries): one
 * scrape history per relay, at most one scrape under way per relay and URL, and the row each shows,
 * judged by how old its last good answer is.
 */
export class RelayScraper {
  private readonly scraped = new Map<string, Scraped>();
  /** Scrapes under way, by entry and URL: a relay still dripping is not asked twice at once. */
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(private readonly pollMs: number) {}

  track(id: string): void {
    this.scraped.set(id, newSlot());
  }

  forget(id: string): void {
    this.scraped.delete(id);
  }

  /** Scrapes each [id, url] once; per relay, not per round (see below). */
  async scrape(targets: ReadonlyArray<readonly [string, string]>): Promise<void> {
    // One that hangs to its deadline does not hold back a fresh scrape of the others, so a listing
    // never shows a scrape that began a whole listing earlier.
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

  /** A relay scraped at least once, well or not: it has something of its own to show. */
  hasAnswered(id: string): boolean {
    const slot = this.scraped.get(id);
    return slot !== undefined && (slot.last !== null || slot.error !== null);
  }

  /** `row` with the relay's window figures, or its error; never "live" on an answer gone stale. */
  figuresRow(row: FleetRow, id: string, window: FleetWindow, at: number): FleetRow {
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
    const staleAfterMs = STALE_AFTER_INTERVALS * this.pollMs;
    if (at - slot.lastOkAt > staleAfterMs) {
      const since = `no answer for ${Math.round((at - slot.lastOkAt) / 1000)} s`;
      return { ...shown, state: 'unreachable', error: slot.error ? `${since}: ${slot.error}` : since };
    }
    return shown;
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
}
