import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { BlockRelayed } from '../../../shared/metrics';
import { PROBE_KEY_ENV, ProbeLine, probeArgv, type ProbeSample } from './protocol';
import { LineSplitter } from '../util/line-splitter';

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
 * Runs the probe process for the main side: spawns argvPrefix + [execPath, script, flags], validates
 * every stdout line, emits typed events, and restarts it with a capped exponential backoff if it dies
 * on its own (the backoff resets once a run has lasted `stableMs`).
 */
export class ProbeProcess extends EventEmitter<ProbeProcessEvents> {
  private child: ChildProcess | null = null;
  private wanted = false;
  private attempt = 0;
  private startedAt = 0;
  private restartTimer: NodeJS.Timeout | null = null;
  private readonly stderrTail: string[] = [];
  private currentState: ProbeState = 'stopped';
  private streamUp = false;
  private readonly backoff: { initialMs: number; capMs: number; stableMs: number };

  constructor(private readonly o: ProbeProcessOptions) {
    super();
    this.backoff = o.backoff ?? DEFAULT_BACKOFF;
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
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
    this.spawn();
  }

  /** SIGTERM, then SIGKILL after stopTimeoutMs; resolves once the process is gone. */
  async stop(): Promise<void> {
    this.wanted = false;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), this.o.stopTimeoutMs ?? 2000);
      await gone;
      clearTimeout(kill);
    }
    this.setState('stopped');
  }

  private setState(state: ProbeState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.emit('state', state);
  }

  private spawn(): void {
    const [command, ...wrapperArgs] = [...this.o.argvPrefix, this.o.execPath];
    const args = [
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
    ];
    this.setState('starting');
    this.startedAt = Date.now();
    // stdin stays an open pipe we never write: when this process dies, the probe sees EOF and exits.
    const child = spawn(command ?? this.o.execPath, args, {
      env: { ...this.o.env, [PROBE_KEY_ENV]: this.o.key },
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    this.child = child;
    // Sample batches can be large when the probe catches up after a stall; never truncate one.
    const stdout = new LineSplitter((line) => this.onLine(line), PROBE_LINE_LIMIT);
    const stderr = new LineSplitter((line) => {
      this.stderrTail.push(line);
      if (this.stderrTail.length > STDERR_TAIL) this.stderrTail.shift();
    });
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.stdin?.on('error', () => undefined);
    child.on('error', (err) => this.emit('warning', `probe spawn failed: ${err.message}`));
    child.on('exit', (code, signal) => this.onExit(child, code, signal));
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

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    this.child = null;
    if (this.streamUp) {
      this.streamUp = false;
      this.emit('stream', false);
    }
    const expected = !this.wanted;
    let restartInMs: number | null = null;
    if (!expected) {
      if (Date.now() - this.startedAt >= this.backoff.stableMs) this.attempt = 0;
      restartInMs = Math.min(this.backoff.capMs, this.backoff.initialMs * 2 ** this.attempt);
      this.attempt++;
      this.setState('restarting');
      this.restartTimer = setTimeout(() => {
        this.restartTimer = null;
        if (this.wanted) this.spawn();
      }, restartInMs);
    }
    this.emit('exit', { code, signal, expected, restartInMs, stderrTail: [...this.stderrTail] });
  }
}
