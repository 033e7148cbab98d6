import path from 'node:path';
import { accessSync, constants as fsConstants, existsSync, statSync } from 'node:fs';
import { ApiError, type TierSwitch } from '../../../shared/api';
import type { LaunchReport } from '../../../shared/launch';
import { UpstreamSummary, type RelayStatus } from '../../../shared/relay-status';
import { z } from 'zod';
import type { Settings } from '../../../shared/settings';
import type { TierName } from '../../../shared/tiers';
import type { SettingsStore } from '../settings/settings-store';
import { isHttpOk, httpGet } from './http-check';
import type { LogLine, TimelineEntry } from '../../../shared/logs';
import {
  DEFAULT_POLICY,
  ManagedProcess,
  type LaunchSpec,
  type SupervisionPolicy,
  type SupervisorEvent,
} from './managed-process';
import { osEnvironment } from './child-env';
import { PidFile, procStartTime } from './pidfile';
import { assertPortsFree, freePort, freePortPair } from './ports';
import { applyAfterSpawn, planRelayLaunch, readBackReport } from './relay-launch';
import type { LaunchPlan, StepResult } from '../launch';

/** Where the bundled relay processes live: dist/relay in development, resources/relay when packaged. */
export interface RelayResources {
  /** Electron's own binary (run as Node) in the app; node in headless mode and tests. */
  readonly execPath: string;
  readonly relayScript: string;
  readonly demoPeerScript: string;
  /** The SLA probe (dist/relay/probe.mjs), run with the relay's priority plan. */
  readonly probeScript: string;
  /** The SLA test's CPU-contention process. */
  readonly busyScript: string;
}

/** The bundled processes in one folder, run by `execPath` (Electron as Node, or node). */
export function relayResources(dir: string, execPath = process.execPath): RelayResources {
  return {
    execPath,
    relayScript: path.join(dir, 'relay.mjs'),
    demoPeerScript: path.join(dir, 'demo-peer.mjs'),
    probeScript: path.join(dir, 'probe.mjs'),
    busyScript: path.join(dir, 'busy.mjs'),
  };
}

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

export interface ProbeTarget {
  readonly apiUrl: string;
  readonly healthUrl: string;
  readonly key: string;
  readonly tier: TierName;
  readonly relayPid: number;
  readonly argvPrefix: readonly string[];
  readonly demoPeerUrl: string | null;
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
  private demoPorts: { p2p: number; http: number } | null = null;
  private launch: LaunchReport | null = null;
  private upstream: UpstreamSummary | null = null;
  private plan: LaunchPlan | null = null;
  /** As the relay last reported it on /health: ours or an external binary's own. */
  relayVersion: string | null = null;
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
      launch: this.launch,
      upstream: relay.pid === null ? null : this.upstream,
    };
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
    const argv = [this.plan.command, ...this.plan.args];
    const targetAt = argv.indexOf(this.plan.execTarget);
    return {
      ...endpoint,
      tier: this.plan.tier,
      relayPid: pid,
      argvPrefix: targetAt > 0 ? argv.slice(0, targetAt) : [],
      demoPeerUrl: this.usesDemoPeer() && this.demoPorts ? `http://127.0.0.1:${this.demoPorts.http}` : null,
    };
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

  /** Kills everything at once: for process-exit paths that cannot await a graceful stop. */
  killNow(): void {
    this.relay.killNow();
    this.demoPeer.killNow();
  }

  private usesDemoPeer(): boolean {
    return this.options.settings.get().upstream.mode === 'demo';
  }

  private async prepareDemoPeer(): Promise<LaunchSpec> {
    const p2p = await freePort();
    const httpPort = await freePort();
    this.demoPorts = { p2p, http: httpPort };
    const interval = this.options.settings.get().upstream.demoIntervalSeconds;
    return {
      command: this.options.resources.execPath,
      args: [
        this.options.resources.demoPeerScript,
        '--port',
        String(p2p),
        '--http-port',
        String(httpPort),
        '--interval',
        String(interval),
        ...(this.options.dataDir
          ? ['--chain-file', path.join(this.options.dataDir, 'demo-peer', 'regtest-headers.dat')]
          : []),
      ],
      env: { ...osEnvironment(), ELECTRON_RUN_AS_NODE: '1', SPRINT_PARENT_WATCH: '1' },
      isReady: () => isHttpOk(`http://127.0.0.1:${httpPort}/tip`),
    };
  }

  private async prepareRelay(): Promise<LaunchSpec> {
    const settings = this.options.settings.get();
    this.checkRelayBinary(settings);
    const ports =
      settings.apiPort === 0 ? await freePortPair() : { api: settings.apiPort, health: settings.apiPort + 1 };
    await assertPortsFree([ports.api, ports.health]);
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
    const health = `http://127.0.0.1:${ports.health}`;
    let steps: StepResult[] = [];
    return {
      command: plan.command,
      args: plan.args,
      env: plan.env,
      isReady: () => {
        // While starting, /health carries the sync progress the UI shows instead of "Running".
        this.pollUpstreamThrottled(`${health}/health`);
        return isHttpOk(`${health}/ready`);
      },
      stillStarting: () => this.upstream?.sync?.state === 'syncing',
      degradedReason: () => this.pollUpstream(`${health}/health`),
      afterSpawn: async (pid) => {
        steps = await applyAfterSpawn(plan, pid);
      },
      afterReady: async (pid) => {
        // Live now: refresh the upstream at once so the status does not still say "syncing".
        await this.pollUpstream(`${health}/health`).catch(() => null);
        this.launch = await readBackReport(plan, pid, steps, `${health}/health`);
      },
    };
  }

  private checkRelayBinary(settings: Settings): void {
    if (settings.relay.source !== 'external') {
      if (!existsSync(this.options.resources.relayScript)) {
        throw new ApiError(
          'RELAY_BINARY_MISSING',
          `The built-in relay is missing at ${this.options.resources.relayScript}. Run \`npm run build\` (from source) or reinstall Sprint Control.`,
        );
      }
      return;
    }
    const binary = settings.relay.externalPath;
    if (!binary) {
      throw new ApiError(
        'RELAY_BINARY_MISSING',
        'External relay selected but no binary path is set. Choose the Bitcoin Sprint binary in Settings.',
      );
    }
    try {
      if (!statSync(binary).isFile()) throw new Error('not a file');
      accessSync(binary, fsConstants.X_OK);
    } catch {
      throw new ApiError(
        'RELAY_BINARY_MISSING',
        `The relay binary ${binary} is missing or not executable. Check the path in Settings (chmod +x on Linux and macOS).`,
        { path: binary },
      );
    }
  }

  private recordPid(pid: number): void {
    const marker =
      this.options.settings.get().relay.source === 'external'
        ? (this.options.settings.get().relay.externalPath ?? this.options.resources.relayScript)
        : this.options.resources.relayScript;
    this.pidFile.write({ pid, marker, startedAt: Date.now(), startTime: procStartTime(pid) });
  }

  private policyFrom(settings: Settings): SupervisionPolicy {
    return { ...DEFAULT_POLICY, ...settings.supervisor, ...this.options.policy };
  }

  /**
   * Reads the relay's /health once: keeps its upstream for the status, and returns why the relay is
   * degraded (no ready upstream peer), or null when all is well.
   */
  private async pollUpstream(healthUrl: string): Promise<string | null> {
    const { status, body } = await httpGet(healthUrl, 800);
    if (status !== 200) return `GET /health answered ${status}.`;
    const document: unknown = JSON.parse(body);
    this.relayVersion = HealthVersion.safeParse(document).data?.version ?? this.relayVersion;
    const parsed = HealthUpstream.safeParse(document);
    const upstream = parsed.success ? parsed.data.upstream : null;
    if (JSON.stringify(upstream) !== JSON.stringify(this.upstream)) {
      this.upstream = upstream;
      this.emit({ kind: 'state', status: this.status() });
    }
    if (upstream?.sync?.state === 'syncing') return null;
    if (!upstream || upstream.peers.some((peer) => peer.state === 'ready')) return null;
    const names = upstream.peers.map((peer) => `${peer.address} (${peer.state})`).join(', ');
    return `No upstream Bitcoin peer is connected${names ? `: ${names}` : ''}.`;
  }

  private lastStartPoll = 0;

  private pollUpstreamThrottled(healthUrl: string): void {
    if (Date.now() - this.lastStartPoll < 500) return;
    this.lastStartPoll = Date.now();
    this.pollUpstream(healthUrl).catch(() => undefined);
  }

  private timeline(kind: TimelineEntry['kind'], summary: string, details: Record<string, unknown>): void {
    this.emit({ kind: 'timeline', entry: { at: Date.now(), source: 'supervisor', kind, summary, details } });
  }

  private emit(event: RelayServiceEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  /**
   * One-click tier switch. Raising priority back after a lower tier needs privilege, so a running
   * relay is restarted under the new plan rather than re-niced in place. Measured click to ready.
   */
  async switchTier(tier: TierName): Promise<TierSwitch> {
    const from = this.options.settings.get().tier;
    const began = performance.now();
    this.options.settings.update({ tier });
    if (!this.relay.isActive) {
      this.emit({ kind: 'state', status: this.status() });
      this.timeline('tier-switched', `tier ${from} → ${tier} (applies at next start)`, { from, to: tier });
      return { from, to: tier, durationMs: null, status: this.status() };
    }
    const status = await this.restart();
    const durationMs = performance.now() - began;
    this.timeline('tier-switched', `tier ${from} → ${tier}, ready in ${Math.round(durationMs)} ms`, {
      from,
      to: tier,
      durationMs,
      launch: status.launch,
    });
    return { from, to: tier, durationMs, status };
  }
}

/** The upstream part of a relay's /health; an external relay may omit it, which is not an error. */
const HealthUpstream = z.object({ upstream: UpstreamSummary });
const HealthVersion = z.object({ version: z.string().max(100) });
