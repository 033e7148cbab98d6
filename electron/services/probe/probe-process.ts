import { EventEmitter } from 'node:events';
import type { BlockRelayed } from '../../../shared/metrics';
import { PROBE_KEY_ENV, ProbeLine, probeArgv, type ProbeSample } from './protocol';
import { DEFAULT_POLICY, ManagedProcess, type SupervisionPolicy } from '../supervisor/managed-process';

export interface ProbeProcessOptions {
  /** Node to run the probe with: Electron's own (ELECTRON_RUN_AS_NODE=1 in env) or plain node. */
  readonly execPath: string;
  /** dist/relay/probe.mjs */
  readonly script: string;
  /** The relay launch plan's OS wrappers, e.g. ['taskset', '-c', '1', 'nice', '-n', '-10']. */
  readonly argvPrefix: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly apiUrl: string;
  readonly key: string;
  readonly rateHz: number;
  readonly timeoutMs?: number;
  readonly stream?: boolean;
  readonly demoPeerUrl?: string | null;
  /** Busy-wait before each send (turbo and enterprise; schedule.ts). */
  readonly spinMs?: number;
  readonly backoff?: { initialMs: number; capMs: number; stableMs: number };
  readonly stopTimeoutMs?: number;
}

export type ProbeState = 'starting' | 'waiting-for-block' | 'sampling' | 'restarting' | 'stopped';

export interface ProbeExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** False when it died on its own: a restart follows after `restartInMs`. */
  readonly expected: boolean;
  readonly restartInMs: number | null;
  readonly stderrTail: string[];
}

export interface ProbeProcessEvents {
  samples: [samples: ProbeSample[]];
  block: [block: BlockRelayed];
  state: [state: ProbeState];
  /** The relay served its first block and the fixed schedule started: slot 0's intended time (epoch ms). */
  sampling: [at: number];
  /** The probe's subscription to the relay's block stream opened (true) or dropped (false). */
  stream: [connected: boolean];
  exit: [exit: ProbeExit];
  /** Unparseable stdout line or spawn failure: worth a log line, never fatal. */
  warning: [message: string];
}

const DEFAULT_BACKOFF = { initialMs: 250, capMs: 10_000, stableMs: 30_000 };
const STDERR_TAIL = 20;
const PROBE_LINE_LIMIT = 8 * 1024 * 1024;

/**
 * The probe is the measurement, not a service the user starts: it is restarted for as long as it is
 * wanted (no crash-loop stop, no exit code that ends it), with the supervisor's capped backoff.
 */
function probePolicy(options: ProbeProcessOptions): SupervisionPolicy {
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  return {
    ...DEFAULT_POLICY,
    backoffInitialMs: backoff.initialMs,
    backoffCapMs: backoff.capMs,
    stableUptimeMs: backoff.stableMs,
    crashLoopCount: Number.MAX_SAFE_INTEGER,
    stopExitCodes: [],
    stopTimeoutMs: options.stopTimeoutMs ?? 2000,
    // Its readiness is its own "hello" line (the state below); the supervisor need not poll.
    healthPollMs: 60_000,
  };
}

/**
 * Runs the probe process for the main side under the relay's supervisor (ManagedProcess): spawns
 * argvPrefix + [execPath, script, flags], validates every stdout line, emits typed events, and is
 * restarted with the supervisor's capped exponential backoff if it dies on its own (the backoff
 * resets once a run has lasted `stableMs`).
 */
export class ProbeProcess extends EventEmitter<ProbeProcessEvents> {
  private readonly managed: ManagedProcess;
  private wanted = false;
  private currentState: ProbeState = 'stopped';
  private streamUp = false;
  /** The exit being reported: its restart delay comes in the supervisor's next event. */
  private exiting: Omit<ProbeExit, 'restartInMs' | 'stderrTail'> | null = null;

  constructor(private readonly o: ProbeProcessOptions) {
    super();
    this.managed = new ManagedProcess('probe', () => Promise.resolve(this.launchSpec()), probePolicy(o));
    this.managed.on('state', (snapshot) => {
      if (
        snapshot.state === 'starting' &&
        (this.currentState === 'stopped' || this.currentState === 'restarting')
      )
        this.setState('starting');
      else if (snapshot.state === 'backoff') this.setState('restarting');
      else if (snapshot.state === 'stopped' || snapshot.state === 'crash-loop') this.setState('stopped');
    });
    this.managed.on('supervisor', (event) => {
      switch (event.kind) {
        case 'exited':
          this.onExited(event.code, event.signal as NodeJS.Signals | null, event.expected);
          break;
        case 'backoff':
          this.reportExit(event.delayMs);
          break;
        case 'crash-loop':
        case 'stopped-on-exit-code':
          this.reportExit(null);
          break;
        case 'spawn-failed':
          this.emit('warning', `probe spawn failed: ${event.message}`);
          break;
      }
    });
  }

  get pid(): number | null {
    return this.managed.snapshot().pid;
  }

  get state(): ProbeState {
    return this.currentState;
  }

  get streamConnected(): boolean {
    return this.streamUp;
  }

  start(): void {
    if (this.wanted) return;
    this.wanted = true;
    // A spawn failure is reported by the supervisor's 'spawn-failed' event (a warning above).
    this.managed.start().catch(() => undefined);
  }

  /** SIGTERM to its process group, then SIGKILL after stopTimeoutMs; resolves once it is gone. */
  async stop(): Promise<void> {
    this.wanted = false;
    await this.managed.stop();
    this.setState('stopped');
  }

  private launchSpec() {
    const [command, ...wrapperArgs] = [...this.o.argvPrefix, this.o.execPath];
    return {
      command: command ?? this.o.execPath,
      args: [
        ...wrapperArgs,
        this.o.script,
        ...probeArgv({
          apiUrl: this.o.apiUrl,
          rateHz: this.o.rateHz,
          timeoutMs: this.o.timeoutMs ?? 1000,
          stream: this.o.stream ?? true,
          demoPeerUrl: this.o.demoPeerUrl ?? null,
          spinMs: this.o.spinMs ?? 0,
        }),
      ],
      // stdin stays an open pipe never written: when this process dies, the probe sees EOF and exits.
      env: { ...this.o.env, [PROBE_KEY_ENV]: this.o.key },
      isReady: () => Promise.resolve(true),
      // Sample batches can be large when the probe catches up after a stall; never truncate one.
      stdout: { onLine: (line: string) => this.onLine(line), maxLineLength: PROBE_LINE_LIMIT },
    };
  }

  private setState(state: ProbeState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.emit('state', state);
  }

  private onLine(line: string): void {
    let parsed: ProbeLine;
    try {
      parsed = ProbeLine.parse(JSON.parse(line));
    } catch {
      this.emit('warning', `unreadable probe line: ${line.slice(0, 200)}`);
      return;
    }
    switch (parsed.type) {
      case 'hello':
        this.setState('waiting-for-block');
        break;
      case 'sampling':
        this.setState('sampling');
        this.emit('sampling', parsed.at);
        break;
      case 'samples':
        this.emit('samples', parsed.samples);
        break;
      case 'stream':
        this.streamUp = parsed.connected;
        this.emit('stream', parsed.connected);
        break;
      case 'block': {
        const { type: _type, ...block } = parsed;
        this.emit('block', block);
        break;
      }
    }
  }

  private onExited(code: number | null, signal: NodeJS.Signals | null, expected: boolean): void {
    if (this.streamUp) {
      this.streamUp = false;
      this.emit('stream', false);
    }
    this.exiting = { code, signal, expected: expected || !this.wanted };
    if (this.exiting.expected) this.reportExit(null);
  }

  private reportExit(restartInMs: number | null): void {
    const exit = this.exiting;
    if (!exit) return;
    this.exiting = null;
    this.emit('exit', {
      ...exit,
      restartInMs,
      stderrTail: this.managed.snapshot().stderrTail.slice(-STDERR_TAIL),
    });
  }
}
