import { TierOverrides, type PlanItemName } from '../../shared/launch';
import { KNOB_TABLE, SEED_KNOBS, type KnobType, type SeedKnob } from '../../shared/knobs';
import { TIERS, type TierName } from '../../shared/tiers';
import { fieldErrorsFromZod, type FieldErrors } from '../lib/error-text';

/**
 * The override editor's model: every field as the text its control holds ('' = use the tier's
 * default), converted to TierOverrides and validated by the shared zod schema.
 */

const OS_FIELDS = ['priority', 'realtime', 'cpus', 'probeCpus'] as const;
/**
 * Runtime-specific knobs with an override of their own (GOGC and GOMAXPROCS follow their seed knob's):
 * GOMEMLIMIT for Go, the V8 semi-space for our Node relay.
 */
const RUNTIME_OWN_KNOBS = KNOB_TABLE.filter(
  (k) => k.runtime !== 'any' && !SEED_KNOBS.some((seed) => seed.override === k.override),
);
export type OverrideField =
  (typeof OS_FIELDS)[number] | SeedKnob['override'] | (typeof RUNTIME_OWN_KNOBS)[number]['override'];
/** The OS fields, then one per seed knob (shared/knobs.ts), then the runtime-specific ones. */
export const OVERRIDE_FIELDS: readonly OverrideField[] = [
  ...OS_FIELDS,
  ...SEED_KNOBS.map((k) => k.override),
  ...RUNTIME_OWN_KNOBS.map((k) => k.override),
];
export type OverrideDraft = Record<OverrideField, string>;

export type FieldKind = 'priority' | 'boolean' | 'text' | 'number';

export interface FieldSpec {
  field: OverrideField;
  label: string;
  /** The launch-report item this field drives. */
  item: PlanItemName;
  kind: FieldKind;
  hint: string;
}

const KIND_OF: Readonly<Record<KnobType, FieldKind>> = {
  gc: 'text',
  cores: 'number',
  memory: 'number',
  semispace: 'number',
  boolean: 'boolean',
};

export const FIELD_SPECS: readonly FieldSpec[] = [
  {
    field: 'priority',
    label: 'Priority',
    item: 'priority',
    kind: 'priority',
    hint: 'OS scheduling priority.',
  },
  {
    field: 'realtime',
    label: 'Real-time scheduling',
    item: 'scheduling',
    kind: 'boolean',
    hint: 'SCHED_FIFO on Linux where permitted.',
  },
  {
    field: 'cpus',
    label: 'CPU affinity',
    item: 'affinity',
    kind: 'text',
    hint: 'A CPU list such as 2-3 or 0,2.',
  },
  {
    field: 'probeCpus',
    label: 'Probe CPU affinity',
    item: 'probe-affinity',
    kind: 'text',
    hint: 'CPUs for the SLA probe, e.g. 0; empty: the relay’s. The panel itself is not pinned.',
  },
  ...[...SEED_KNOBS, ...RUNTIME_OWN_KNOBS].map((knob): FieldSpec => ({
    field: knob.override,
    label: knob.env,
    item: knob.env,
    kind: KIND_OF[knob.type],
    hint: knob.hint,
  })),
];

export const PRIORITY_OPTIONS = ['normal', 'above-normal', 'high', 'highest'] as const;

/** What the tier alone asks for, as the editor shows it beside each override. */
export function tierDefault(tier: TierName, field: OverrideField): string {
  const spec = TIERS[tier];
  switch (field) {
    case 'priority':
      return spec.priority;
    case 'realtime':
      return spec.realtime ? 'on' : 'off';
    case 'cpus':
      return spec.dedicatedCores ? 'dedicated cores (4+ CPUs)' : 'any CPU';
    case 'probeCpus':
      return 'with the relay';
    case 'semiSpaceMiB':
      return 'V8 default (built-in relay only)';
    case 'gcPercent':
      return spec.knobs.gcPercent === null ? 'runtime default' : String(spec.knobs.gcPercent);
    case 'maxCpuCores':
      return 'all usable CPUs';
    case 'memoryLimitMiB':
      return `${spec.knobs.memoryBudgetMiB} MiB (Go binaries only)`;
    default:
      return spec.knobs[field] ? 'on' : 'off';
  }
}

export function emptyDraft(): OverrideDraft {
  return Object.fromEntries(OVERRIDE_FIELDS.map((f) => [f, ''])) as OverrideDraft;
}

export function fromOverrides(overrides: TierOverrides | undefined): OverrideDraft {
  const draft = emptyDraft();
  if (!overrides) return draft;
  for (const field of OVERRIDE_FIELDS) {
    const value = overrides[field];
    if (value !== undefined) draft[field] = String(value);
  }
  return draft;
}

const WHOLE = /^\d+$/;

/** The draft as TierOverrides, or messages per field (shared schema rules, in the editor's words). */
export function toOverrides(
  draft: OverrideDraft,
): { ok: true; value: TierOverrides } | { ok: false; errors: FieldErrors } {
  const raw: Record<string, unknown> = {};
  const errors: FieldErrors = {};
  for (const { field, kind } of FIELD_SPECS) {
    const text = draft[field].trim();
    if (text === '') continue;
    if (kind === 'boolean') raw[field] = text === 'true';
    else if (field === 'gcPercent') {
      if (text.toLowerCase() === 'off') raw[field] = 'off';
      else if (WHOLE.test(text)) raw[field] = Number(text);
      else errors[field] = 'Enter a whole number from 1 to 1000, or off.';
    } else if (kind === 'number') {
      if (WHOLE.test(text)) raw[field] = Number(text);
      else errors[field] = 'Enter a whole number.';
    } else raw[field] = text.replace(/\s+/g, '');
  }
  const parsed = TierOverrides.safeParse(raw);
  if (!parsed.success) Object.assign(errors, { ...fieldErrorsFromZod(parsed.error), ...errors });
  if (Object.keys(errors).length > 0 || !parsed.success) return { ok: false, errors };
  return { ok: true, value: parsed.data };
}

export function isDirty(draft: OverrideDraft, saved: TierOverrides | undefined): boolean {
  const base = fromOverrides(saved);
  return OVERRIDE_FIELDS.some((f) => draft[f].trim() !== base[f]);
}

/** How many fields differ from the tier default. */
export function overrideCount(overrides: TierOverrides | undefined): number {
  return overrides ? Object.values(overrides).filter((v) => v !== undefined).length : 0;
}
