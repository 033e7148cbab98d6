import path from 'node:path';
import type { TierSwitch } from '../../../shared/api';
import type { LaunchReport } from '../../../shared/launch';
import type { RelayStatus } from '../../../shared/relay-status';
import type { Settings } from '../../../shared/settings';
import type { TierOverrides } from '../../../shared/launch';
import type { TierName } from '../../../shared/tiers';
import type { SettingsStore } from '../settings/settings-store';
import { isHttpOk } from './http-check';
import type { LogLine, TimelineEntry } from '../../../shared/logs';
import {
  DEFAULT_POLICY,
  ManagedProcess,
  type LaunchSpec,
  type SupervisionPolicy,
  type SupervisorEvent,
} from './managed-process';
import { demoPeerLaunch, type DemoPeerPorts } from './demo-peer-launch';
import { PidFile, procStartTime } from './pidfile';
import { relayPorts } from './ports';
import { checkRelayBinary, relayMarker } from './relay-binary';
import { applyAfterSpawn, planRelayLaunch, readBackReport, readProbePlacement } from './relay-launch';
import { RelayHealthPoller } from './relay-health';
import type { RelayResources } from './relay-resources';
import { switchTier } from './tier-switch';
import { probeTarget, type ProbeTarget } from './probe-target';
import { withProbeReadBack, type LaunchPlan, type ProbeReadBack, type StepResult } from '../launch';

// Callers import these from here; they live in their own modules.
export { relayResources, type RelayResources } from './relay-resources';
export type { ProbeTarget } from './probe-target';

export interface RelayServiceOptions {
  readonly settings: SettingsStore;
  readonly resources: RelayResources;
  /** The panel's own API key, exempt from rate limits; never shown or stored. */
  readonly panelKey: string;
  readonly pidFilePath: string;
  /**
   * The panel's data folder: the relay keeps its header store in `relay/` and the demo peer its
   * chain in `demo-peer/`, so restarts resume instead of starting from genesis.
   */
  readonly dataDir?: string;
  /** Overrides for tests (short backoff, short windows); settings supply the rest. */
  readonly policy?: Partial<SupervisionPolicy>;
}

export type RelayServiceEvent =
  | { kind: 'state'; status: RelayStatus }
  | { kind: 'log'; line: LogLine }
  | { kind: 'supervisor'; source: 'relay' | 'demo-peer'; event: SupervisorEvent }
  | { kind: 'timeline'; entry: TimelineEntry };

/**
 * The relay as the panel sees it: a supervised relay process and, when no Bitcoin node is set, a
 * supervised demo peer for it to follow. Owns ports, the launch plan and the tier switch.
 */
export class RelayService {
  readonly relay: ManagedProcess;
  readonly demoPeer: ManagedProcess;
  private ports: { api: number; health: number } | null = null;
  private demoPorts: DemoPeerPorts | null = null;
  private launch: LaunchReport | null = null;
  /** The live probe's placement under the current plan, read back once it runs (noteProbe). */
  private probePlacement: ProbeReadBack | null = null;
  private plan: LaunchPlan | null = null;
  private trialOverrides: TierOverrides | null = null;
  private readonly health = new RelayHealthPoller(() => this.emit({ kind: 'state', status: this.status() }));
  private readonly pidFile: PidFile;
  private readonly listeners = new Set<(event: RelayServiceEvent) => void>();

  constructor(private readonly options: RelayServiceOptions) {
    this.pidFile = new PidFile(options.pidFilePath);
    const policy = this.policyFrom(options.settings.get());
    this.relay = new ManagedProcess('relay', () => this.prepareRelay(), policy);
    this.demoPeer = new ManagedProcess('demo-peer', () => this.prepareDemoPeer(), policy);
    for (const [source, process] of [
      ['relay', this.relay],
      ['demo-peer', this.demoPeer],
    ] as const) {
      process.on('state', () => this.emit({ kind: 'state', status: this.status() }));
      process.on('log', (line) => this.emit({ kind: 'log', line }));
      process.on('supervisor', (event) => {
        if (source === 'relay' && event.kind === 'spawned') this.recordPid(event.pid);
        this.emit({ kind: 'supervisor', source, event });
      });
    }
    options.settings.onChange((settings) => {
      const next = this.policyFrom(settings);
      this.relay.setPolicy(next);
      this.demoPeer.setPolicy(next);
    });
  }

  /** As the relay last reported it on /health: ours or an external binary's own. */
  get relayVersion(): string | null {
    return this.health.version;
  }

  on(listener: (event: RelayServiceEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  status(): RelayStatus {
    const relay = this.relay.snapshot();
    const demo = this.demoPeer.snapshot();
    const demoTrouble =
      this.usesDemoPeer() &&
      (demo.state === 'backoff' || demo.state === 'crash-loop') &&
      relay.state !== 'stopped';
    return {
      ...relay,
      state: demoTrouble && relay.state === 'running' ? 'degraded' : relay.state,
      message: demoTrouble ? `Demo peer: ${demo.message ?? demo.state}` : relay.message,
      tier: this.options.settings.get().tier,
      ports: relay.pid === null ? null : this.ports,
      launch:
        this.launch && this.probePlacement
          ? withProbeReadBack(this.launch, this.probePlacement)
          : this.launch,
      upstream: relay.pid === null ? null : this.upstreamWithStoreFolder(),
    };
  }

  /** /health names no folder; a store failure is shown with the one this panel gave as DATA_DIR. */
  private upstreamWithStoreFolder(): RelayStatus['upstream'] {
    const upstream = this.health.upstream;
    if (!upstream?.store?.writeFailure || !this.options.dataDir) return upstream;
    return { ...upstream, store: { ...upstream.store, folder: path.join(this.options.dataDir, 'relay') } };
  }

  /** The relay's API endpoint and the panel's key, for the probe and the UI's live data. */
  endpoint(): { apiUrl: string; healthUrl: string; key: string } | null {
    if (!this.ports || this.relay.snapshot().pid === null) return null;
    return {
      apiUrl: `http://127.0.0.1:${this.ports.api}`,
      healthUrl: `http://127.0.0.1:${this.ports.health}`,
      key: this.options.panelKey,
    };
  }

  /**
   * What the SLA probe needs once the relay is ready: where to probe, with which key, and the launch
   * plan's OS wrappers (taskset, chrt, nice) so the probe runs at the relay's priority, not the UI's.
   */
  probeTarget(): ProbeTarget | null {
    const endpoint = this.endpoint();
    const pid = this.relay.snapshot().pid;
    if (!endpoint || pid === null || !this.plan) return null;
    const demoPeerUrl =
      this.usesDemoPeer() && this.demoPorts ? `http://127.0.0.1:${this.demoPorts.http}` : null;
    return probeTarget(this.plan, endpoint, pid, demoPeerUrl);
  }

  async start(): Promise<RelayStatus> {
    const reaped = await this.pidFile.reapStale();
    if (reaped !== null) {
      this.timeline('stale-reaped', `stopped a relay (pid ${reaped}) left running by a previous panel`, {
        pid: reaped,
      });
    }
    if (this.usesDemoPeer()) await this.demoPeer.start();
    await this.relay.start();
    return this.status();
  }

  async stop(): Promise<RelayStatus> {
    await this.relay.stop();
    await this.demoPeer.stop();
    this.pidFile.clear();
    return this.status();
  }

  async restart(): Promise<RelayStatus> {
    await this.relay.stop();
    return this.start();
  }

  /**
   * The live probe started under this plan's probe wrappers (or died before it ran): its placement is
   * read back and shown beside what the plan asked for. A read-back that arrives after the relay has
   * restarted under another plan is dropped.
   */
  async noteProbe(probe: { pid: number } | { failure: string }, execPath: string): Promise<void> {
    const plan = this.plan;
    if (!plan) return;
    const placement = 'failure' in probe ? probe : await readProbePlacement(plan, probe.pid, execPath);
    if (placement === null || this.plan !== plan) return;
    this.probePlacement = placement;
    this.emit({ kind: 'state', status: this.status() });
  }

  /** Kills everything at once: for process-exit paths that cannot await a graceful stop. */
  killNow(): void {
    this.relay.killNow();
    this.demoPeer.killNow();
  }

  private usesDemoPeer(): boolean {
    return this.options.settings.get().upstream.mode === 'demo';
  }

  private async prepareDemoPeer(): Promise<LaunchSpec> {
    const interval = this.options.settings.get().upstream.demoIntervalSeconds;
    const chainFile = this.options.dataDir
      ? path.join(this.options.dataDir, 'demo-peer', 'regtest-headers.dat')
      : null;
    const { spec, ports } = await demoPeerLaunch(this.options.resources, interval, chainFile);
    this.demoPorts = ports;
    return spec;
  }

  /**
   * Overrides for the selected tier that the next starts use instead of the saved ones, never saved:
   * the tuning experiment tries plans this way, so a crash mid-run leaves the user's settings as they
   * were. null goes back to the saved overrides.
   */
  setTrialOverrides(overrides: TierOverrides | null): void {
    this.trialOverrides = overrides;
  }

  private async prepareRelay(): Promise<LaunchSpec> {
    const saved = this.options.settings.get();
    const trial = this.trialOverrides;
    const settings = trial ? { ...saved, overrides: { ...saved.overrides, [saved.tier]: trial } } : saved;
    checkRelayBinary(settings, this.options.resources);
    const ports = await relayPorts(settings.apiPort);
    this.ports = ports;
    const upstream =
      settings.upstream.mode === 'demo'
        ? `127.0.0.1:${this.demoPorts?.p2p ?? 18444}`
        : (settings.upstream.bitcoinNode ?? '127.0.0.1');
    const launch = await planRelayLaunch({
      settings,
      resources: this.options.resources,
      ports,
      upstream,
      network: settings.upstream.mode === 'demo' ? 'regtest' : settings.upstream.network,
      apiKeys: [this.options.panelKey, ...(settings.apiKey ? [settings.apiKey] : [])],
      dataDir: this.options.dataDir ? path.join(this.options.dataDir, 'relay') : undefined,
    });
    this.launch = launch.report;
    const { plan } = launch;
    this.plan = plan;
    this.probePlacement = null;
    const health = `http://127.0.0.1:${ports.health}`;
    let steps: StepResult[] = [];
    return {
      command: plan.command,
      args: plan.args,
      env: plan.env,
      isReady: () => {
        // While starting, /health carries the sync progress the UI shows instead of "Running".
        this.health.pollThrottled(`${health}/health`);
        return isHttpOk(`${health}/ready`);
      },
      stillStarting: () => this.health.upstream?.sync?.state === 'syncing',
      degradedReason: () => this.health.poll(`${health}/health`),
      afterSpawn: async (pid) => {
        steps = await applyAfterSpawn(plan, pid);
      },
      afterReady: async (pid) => {
        // Live now: refresh the upstream at once so the status does not still say "syncing".
        await this.health.poll(`${health}/health`).catch(() => null);
        this.launch = await readBackReport(plan, pid, steps, `${health}/health`);
      },
    };
  }

  private recordPid(pid: number): void {
    const marker = relayMarker(this.options.settings.get(), this.options.resources);
    this.pidFile.write({ pid, marker, startedAt: Date.now(), startTime: procStartTime(pid) });
  }

  private policyFrom(settings: Settings): SupervisionPolicy {
    return { ...DEFAULT_POLICY, ...settings.supervisor, ...this.options.policy };
  }

  private timeline(kind: TimelineEntry['kind'], summary: string, details: Record<string, unknown>): void {
    this.emit({ kind: 'timeline', entry: { at: Date.now(), source: 'supervisor', kind, summary, details } });
  }

  private emit(event: RelayServiceEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  /** One-click tier switch: a running relay restarts under the new tier's plan (tier-switch.ts). */
  switchTier(tier: TierName): Promise<TierSwitch> {
    return switchTier(
      {
        settings: this.options.settings,
        isActive: () => this.relay.isActive,
        restart: () => this.restart(),
        status: () => this.status(),
        announce: () => this.emit({ kind: 'state', status: this.status() }),
        timeline: (kind, summary, details) => this.timeline(kind, summary, details),
      },
      tier,
    );
  }
}
