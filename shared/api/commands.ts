import { z } from 'zod';
import { RelayStatus } from '../relay-status';
import { Settings, SettingsPatch } from '../settings';
import { TierName } from '../tiers';
import { LogLine, TimelineEntry } from '../logs';
import { HistoryQuery, HistoryResult } from '../metrics';
import { ReportRequest, ReportResult } from '../report';
import { SlaTestRequest, SlaTestResult } from '../sla-test';
import {
  TuneApplyRequest,
  TuneApplyResult,
  TunePlan,
  TuneRequest,
  TuneResult,
  TuneRunSummary,
} from '../tuning';
import {
  ProfileApplyResult,
  ProfileExportParams,
  ProfileExportResult,
  ProfileImportParams,
  ProfileImportResult,
  ProfileNameParams,
  ProfileSaveParams,
  ProfileRenameParams,
  ProfileState,
} from '../profile-api';
import { TierSwitch } from './tier-switch';
import { Capabilities } from '../launch/capabilities';
import { FleetAddRequest, FleetEntry, FleetSnapshot, FleetWindow } from '../fleet';
import { ConformanceReport } from '../conformance';

/**
 * The one API, defined once: every command's params and result as zod schemas. Both transports
 * (Electron IPC and the headless WebSocket) carry exactly these, validated at run time on the main
 * side; the renderer's types are inferred from the same schemas.
 */

const NoParams = z.object({}).strict().prefault({});

/** Where an exported report went: a download (headless mode) or a file the user chose (desktop). */
export const ReportDelivery = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('download'), url: z.string() }),
  z.object({ kind: z.literal('saved'), path: z.string() }),
  z.object({ kind: z.literal('not-saved') }),
]);
export type ReportDelivery = z.infer<typeof ReportDelivery>;

export { TierSwitch } from './tier-switch';

const FleetEntryId = z.object({ id: z.string().regex(/^[a-z0-9-]{1,40}$/) });

function command<P extends z.ZodType, R extends z.ZodType>(params: P, result: R, summary: string) {
  return { params, result, summary };
}

export const COMMANDS = {
  'relay.start': command(NoParams, RelayStatus, 'Start the relay (and the demo peer when no node is set).'),
  'relay.stop': command(NoParams, RelayStatus, 'Stop the relay gracefully; SIGKILL after the stop timeout.'),
  'relay.restart': command(NoParams, RelayStatus, 'Stop, then start under the current launch plan.'),
  'relay.status': command(NoParams, RelayStatus, 'The supervisor state right now.'),
  'relay.checkBinary': command(
    z
      .object({
        /** Absolute path of the executable; the configured external binary when left out. */
        path: z.string().min(1).max(4096).optional(),
      })
      .strict()
      .prefault({}),
    ConformanceReport,
    'Check a relay binary against the relay contract (about 10 s); one result per clause on conformance.progress.',
  ),
  'tier.get': command(NoParams, z.object({ tier: TierName }), 'The selected tier.'),
  'launch.capabilities': command(
    NoParams,
    Capabilities,
    'What this machine allows a relay launch (CPUs, priority, tools): previews plan with it before any start.',
  ),
  'tier.set': command(
    z.object({ tier: TierName }).strict(),
    TierSwitch,
    'Select a tier; a running relay restarts under the new launch plan.',
  ),
  'logs.tail': command(
    z
      .object({ limit: z.number().int().min(1).max(5000).default(500) })
      .strict()
      .prefault({}),
    z.object({ lines: z.array(LogLine), timeline: z.array(TimelineEntry) }),
    'The most recent relay and demo-peer log lines and supervisor events.',
  ),
  'history.query': command(
    HistoryQuery,
    HistoryResult,
    'Per-second (or coarser) figures, blocks and events for a range.',
  ),
  'report.export': command(
    ReportRequest,
    z.object({ report: ReportResult, delivery: ReportDelivery }),
    'Export a period and tier as CSV, JSON, HTML or PDF; cancellable; progress on report.progress.',
  ),
  'slaTest.run': command(
    SlaTestRequest,
    SlaTestResult,
    'Run the SLA test: each tier in turn, N probes, optional CPU contention; cancellable; progress on slaTest.progress.',
  ),
  'tune.plan': command(
    TuneRequest,
    TunePlan,
    'The candidate plans this machine can grant for a tier, those skipped and why, and the time a run would take.',
  ),
  'tune.run': command(
    TuneRequest,
    TuneResult,
    'Tune this machine: candidate plans interleaved in blocks, compared with the tier default; cancellable; progress on tune.progress.',
  ),
  'tune.last': command(
    NoParams,
    TuneRunSummary,
    'The last stored tuning run, unless it was measured on another machine, kernel or relay.',
  ),
  'tune.apply': command(
    TuneApplyRequest,
    TuneApplyResult,
    "Apply a run's recommendation as its tier's overrides, or save it as a profile.",
  ),
  'settings.get': command(NoParams, Settings, 'All settings, defaults filled in.'),
  'settings.set': command(
    SettingsPatch,
    Settings,
    'Replace the given top-level sections; returns the result.',
  ),
  'profile.state': command(
    NoParams,
    ProfileState,
    'Deployment profiles, the active one, and the seed variables set in the panel environment.',
  ),
  'profile.import': command(
    ProfileImportParams,
    ProfileImportResult,
    'Import a seed configuration file (applies its tier and overrides) or a named profile file (saves it).',
  ),
  'profile.export': command(
    ProfileExportParams,
    ProfileExportResult,
    'The seed configuration file for the tier in effect, or a saved profile as a file.',
  ),
  'profile.apply': command(
    ProfileNameParams,
    ProfileApplyResult,
    'Apply a profile: its tier and overrides; a running relay restarts under the new plan.',
  ),
  'profile.save': command(
    ProfileSaveParams,
    ProfileState,
    'Save the tier in effect and its overrides as a profile; one of the same name (ignoring case) is replaced only with replace: true.',
  ),
  'profile.rename': command(ProfileRenameParams, ProfileState, 'Rename a profile.'),
  'profile.delete': command(ProfileNameParams, ProfileState, 'Delete a profile.'),
  'fleet.list': command(
    z
      .object({ window: FleetWindow.default('1h'), localOnly: z.boolean().default(false) })
      .strict()
      .prefault({}),
    FleetSnapshot,
    'Every relay in the fleet (local, remote, from Prometheus) with tier, state, tip, lag and window figures.',
  ),
  'fleet.add': command(
    FleetAddRequest,
    FleetEntry,
    'Add a remote relay (health URL), a Prometheus server, or a remote headless panel (URL and token).',
  ),
  'fleet.remove': command(
    FleetEntryId.strict(),
    z.object({ removed: z.boolean() }),
    'Remove a fleet entry and its stored token.',
  ),
  'fleet.remote.setTier': command(
    FleetEntryId.extend({ tier: TierName }).strict(),
    TierSwitch,
    "Switch a remote panel's tier (its relay restarts under the new plan there).",
  ),
  'fleet.remote.runSlaTest': command(
    FleetEntryId.extend({ request: SlaTestRequest }).strict(),
    SlaTestResult,
    "Run a remote panel's SLA test; cancellable.",
  ),
  'fleet.remote.exportReport': command(
    FleetEntryId.extend({ request: ReportRequest }).strict(),
    z.object({ report: ReportResult, delivery: ReportDelivery }),
    "Export a remote panel's report and bring the file here.",
  ),
} as const;

export type Commands = typeof COMMANDS;
export type CommandName = keyof Commands;
export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];
/** What a caller may send (defaults not yet applied). */
export type CommandParams<M extends CommandName> = z.input<Commands[M]['params']>;
/** What a handler receives: the params after validation, defaults applied. */
export type CommandArgs<M extends CommandName> = z.output<Commands[M]['params']>;
export type CommandResult<M extends CommandName> = z.output<Commands[M]['result']>;

export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}
