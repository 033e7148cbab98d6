import { z } from 'zod';
import { TierName } from './tiers';

/**
 * The fleet view's contract: relays beyond the local one, read through their /metrics or a
 * Prometheus server, and remote Sprint Control panels (headless mode) driven through their API.
 */

/** Windows the Fleet tab offers for p50/p99.9 and compliance. */
export const FLEET_WINDOWS = ['5m', '1h', '6h', '1d'] as const;
export const FleetWindow = z.enum(FLEET_WINDOWS);
export type FleetWindow = z.infer<typeof FleetWindow>;
export const FLEET_WINDOW_SECONDS: Readonly<Record<FleetWindow, number>> = {
  '5m': 300,
  '1h': 3600,
  '6h': 21_600,
  '1d': 86_400,
};

/** Remote entries the fleet keeps; every list has a limit. */
export const MAX_FLEET_ENTRIES = 32;

/**
 * - relay: a relay's health URL (its /metrics and /health; read-only)
 * - prometheus: a Prometheus server; its relays join the list and figures come from PromQL
 * - panel: another Sprint Control panel in headless mode, driven with its token
 */
export const FleetEntryKind = z.enum(['relay', 'prometheus', 'panel']);
export type FleetEntryKind = z.infer<typeof FleetEntryKind>;

const HttpUrl = z
  .string()
  .trim()
  .max(2048)
  .url()
  .refine((u) => /^https?:\/\//.test(u), 'must start with http:// or https://')
  .transform((u) => u.replace(/\/+$/, ''));

export const FleetEntry = z.object({
  id: z.string().regex(/^[a-z0-9-]{1,40}$/),
  kind: FleetEntryKind,
  /** Health URL (relay), server URL (prometheus) or panel URL without the token (panel). */
  url: z.string(),
  label: z.string().max(80),
  addedAt: z.number(),
});
export type FleetEntry = z.infer<typeof FleetEntry>;

export const FleetAddRequest = z
  .object({
    kind: FleetEntryKind,
    url: HttpUrl,
    label: z.string().trim().max(80).optional(),
    /** Panels only: the token `npm run serve` printed (also accepted inside the URL as ?token=). */
    token: z.string().min(8).max(512).optional(),
  })
  .strict();
export type FleetAddRequest = z.input<typeof FleetAddRequest>;

export const FleetRowSource = z.enum(['local', 'relay', 'panel', 'prometheus']);
export type FleetRowSource = z.infer<typeof FleetRowSource>;

/** How a row's figures were computed: PromQL on a Prometheus, or two scrapes of /metrics. */
export const FleetFiguresVia = z.enum(['prometheus', 'metrics', 'remote-panel', 'none']);

/** Every figure a row carries is bounded: a remote's absurd value fails its own row, never the list. */
const Ms = z.number().nonnegative().max(86_400_000);
export const MAX_FLEET_TIP = 100_000_000;

export const FleetRow = z.object({
  /** "local", an entry id, or "prom:<instance>" for relays found only in Prometheus. */
  id: z.string().max(220),
  source: FleetRowSource,
  name: z.string().max(220),
  /** host:port of the relay's health port: Prometheus's `instance` label. */
  instance: z.string().max(220).nullable(),
  tier: TierName.nullable(),
  /** live, syncing, degraded, stopped, stale, unreachable, refused, invalid, or a supervisor state. */
  state: z.string().max(40),
  network: z.string().max(40).nullable(),
  tip: z.number().int().min(0).max(MAX_FLEET_TIP).nullable(),
  /** Blocks behind the best tip of the same network in the list; null while the tip is unknown. */
  lagBlocks: z.number().int().min(0).max(MAX_FLEET_TIP).nullable(),
  /**
   * Block relay latency over the window: the upper bound of the histogram bucket the quantile falls
   * in (shown "≤ 5 ms"), never an interpolation shown as if measured. Null with no blocks (n = 0) or
   * past the last finite bucket.
   */
  p50Ms: Ms.nullable(),
  p999Ms: Ms.nullable(),
  /** Share of blocks within the tier's target over the window (block latency); null when n = 0. */
  compliance: z.number().min(0).max(1).nullable(),
  targetMs: z.number().positive().max(600_000).nullable(),
  objective: z.number().positive().max(1).nullable(),
  /** Blocks relayed in the window (may be fractional from Prometheus's extrapolation). */
  samples: z.number().nonnegative().max(1e12),
  /** Seconds of the window the figures actually cover (less than the window while history is short). */
  coveredSeconds: z
    .number()
    .nonnegative()
    .max(10 * 86_400),
  via: FleetFiguresVia,
  /** A remote panel whose API the panel can drive (tier switch, SLA test, report export). */
  controllable: z.boolean(),
  error: z.string().max(1000).nullable(),
  /**
   * The panel's own probes (as on the Dashboard): probes within target of all probes over the window.
   * Only this panel's relay and remote panels' relays are probed; null elsewhere and with n = 0.
   */
  probe: z
    .object({
      n: z.number().int().nonnegative(),
      misses: z.number().int().nonnegative(),
    })
    .nullable()
    .default(null),
  /** Epoch ms of the last scrape that answered; null when none has. */
  lastSeenAt: z.number().nullable().default(null),
});
export type FleetRow = z.infer<typeof FleetRow>;

export const FleetSnapshot = z.object({
  window: FleetWindow,
  /** Epoch ms the figures are for (PromQL instant queries are evaluated at this time). */
  at: z.number(),
  rows: z.array(FleetRow),
  entries: z.array(FleetEntry),
  prometheus: z.object({ url: z.string(), ok: z.boolean(), error: z.string().nullable() }).nullable(),
  /** Where remote panel tokens are kept, in words the UI shows beside the token field. */
  tokenStorage: z.string(),
});
export type FleetSnapshot = z.infer<typeof FleetSnapshot>;
