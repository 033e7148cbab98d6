import type { BitcoinNetwork } from '../../shared/relay-contract';
import { Settings, type SettingsPatch } from '../../shared/settings';
import { fieldErrorsFromZod, type FieldErrors } from '../lib/error-text';

/**
 * The Settings view's model: what each control holds (numbers as typed text), converted back to
 * Settings and validated by the shared schema, with errors keyed by the settings path
 * ("upstream.bitcoinNode"), so each shows at its own field.
 */
export interface SettingsDraft {
  relaySource: 'builtin' | 'external';
  externalPath: string;
  upstreamMode: 'demo' | 'node';
  bitcoinNode: string;
  network: BitcoinNetwork;
  demoIntervalSeconds: string;
  apiPort: string;
  apiKey: string;
  probeRateHz: string;
  rawDays: string;
  aggregateDays: string;
  startRelayOnLaunch: boolean;
  startAtLogin: boolean;
  notifications: boolean;
}

export function fromSettings(s: Settings): SettingsDraft {
  return {
    relaySource: s.relay.source,
    externalPath: s.relay.externalPath ?? '',
    upstreamMode: s.upstream.mode,
    bitcoinNode: s.upstream.bitcoinNode ?? '',
    network: s.upstream.network,
    demoIntervalSeconds: String(s.upstream.demoIntervalSeconds),
    apiPort: String(s.apiPort),
    apiKey: s.apiKey ?? '',
    probeRateHz: String(s.probe.rateHz),
    rawDays: String(s.retention.rawDays),
    aggregateDays: String(s.retention.aggregateDays),
    startRelayOnLaunch: s.startRelayOnLaunch,
    startAtLogin: s.startAtLogin,
    notifications: s.notifications,
  };
}

/** Sections a settings.set patch may carry from this form (tier and overrides have their own views). */
const FORM_SECTIONS = [
  'relay',
  'upstream',
  'apiPort',
  'apiKey',
  'probe',
  'retention',
  'startRelayOnLaunch',
  'startAtLogin',
  'notifications',
] as const satisfies readonly (keyof Settings)[];

/** Which sections need a relay restart to take effect. */
export const RESTART_SECTIONS: ReadonlySet<keyof Settings> = new Set([
  'relay',
  'upstream',
  'apiPort',
  'apiKey',
  'probe',
]);

export function isDirty(draft: SettingsDraft, saved: Settings): boolean {
  return JSON.stringify(draft) !== JSON.stringify(fromSettings(saved));
}

function number(text: string, path: string, errors: FieldErrors): number {
  const trimmed = text.trim();
  const value = trimmed === '' ? Number.NaN : Number(trimmed);
  if (!Number.isFinite(value)) errors[path] = 'Enter a number.';
  return value;
}

export type PatchResult =
  { ok: true; patch: SettingsPatch; changed: (keyof Settings)[] } | { ok: false; errors: FieldErrors };

/** The draft as a settings.set patch of the changed sections, or messages per field. */
export function toPatch(draft: SettingsDraft, saved: Settings): PatchResult {
  const errors: FieldErrors = {};
  const externalPath = draft.externalPath.trim();
  const bitcoinNode = draft.bitcoinNode.trim();
  if (draft.relaySource === 'external' && externalPath === '') {
    errors['relay.externalPath'] = 'Enter the path to the relay binary, or choose the built-in relay.';
  }
  if (draft.upstreamMode === 'node' && bitcoinNode === '') {
    errors['upstream.bitcoinNode'] = 'Enter host:port of a Bitcoin node, or use the demo peer.';
  }
  const candidate = {
    ...saved,
    relay: { source: draft.relaySource, externalPath: externalPath || null },
    upstream: {
      mode: draft.upstreamMode,
      bitcoinNode: bitcoinNode || null,
      network: draft.network,
      demoIntervalSeconds: number(draft.demoIntervalSeconds, 'upstream.demoIntervalSeconds', errors),
    },
    apiPort: number(draft.apiPort, 'apiPort', errors),
    apiKey: draft.apiKey.trim() || null,
    probe: { rateHz: number(draft.probeRateHz, 'probe.rateHz', errors) },
    retention: {
      rawDays: number(draft.rawDays, 'retention.rawDays', errors),
      aggregateDays: number(draft.aggregateDays, 'retention.aggregateDays', errors),
    },
    startRelayOnLaunch: draft.startRelayOnLaunch,
    startAtLogin: draft.startAtLogin,
    notifications: draft.notifications,
  };
  const parsed = Settings.safeParse(candidate);
  if (!parsed.success) {
    for (const [key, message] of Object.entries(fieldErrorsFromZod(parsed.error))) errors[key] ??= message;
  }
  if (Object.keys(errors).length > 0 || !parsed.success) return { ok: false, errors };
  if (parsed.data.retention.aggregateDays < parsed.data.retention.rawDays) {
    return {
      ok: false,
      errors: { 'retention.aggregateDays': 'Keep aggregates at least as long as raw samples.' },
    };
  }
  const patch: Record<string, unknown> = {};
  const changed: (keyof Settings)[] = [];
  for (const key of FORM_SECTIONS) {
    if (JSON.stringify(parsed.data[key]) !== JSON.stringify(saved[key])) {
      patch[key] = parsed.data[key];
      changed.push(key);
    }
  }
  return { ok: true, patch: patch as SettingsPatch, changed };
}
