import { z } from 'zod';
import { BlockRelayed } from '../../../shared/metrics';
import { TIERS, type TierName } from '../../../shared/tiers';

/**
 * How long the probe busy-waits before each send at the 5 ms tiers (maximum level), where a timer's
 * millisecond of wake-up jitter is a fifth of the budget. Only a quarter millisecond beyond the
 * timer's lead: on a loaded 2-core machine a longer spin (1 ms was tried) made the probe a CPU hog in
 * the scheduler's eyes, and it was then woken late for the answers, which doubled its p50
 * (`npm run bench -- probe` has the figures and the CPU it costs). Elsewhere timers are close enough.
 */
export const SPIN_MS = 0.25;
export function spinMsForTier(tier: TierName): number {
  return TIERS[tier].level === 'maximum' ? SPIN_MS : 0;
}

/**
 * What the probe process writes on stdout, one JSON object per line, and the main process validates.
 * A sample is a tuple to keep lines short at 100 Hz: [intended send time (epoch ms), latency ms, ok,
 * lateness ms (actual − intended send), the probe's own busy time in the answer's window ms]. Lateness
 * is absent from probes older than this field, from downtime the panel fills in (samples never sent)
 * and from old history rows; own time from probes and rows older than it.
 *
 * The one sample type: the history store, the aggregator and the report read this same tuple
 * (history/types.ts's RawSample is this type under its storage name).
 */
export const ProbeSample = z
  .tuple([
    z.number(),
    z.number().nonnegative(),
    z.boolean(),
    z.number().optional(),
    z.number().nonnegative().optional(),
  ])
  .readonly();
export type ProbeSample = z.infer<typeof ProbeSample>;

export const ProbeLine = z.discriminatedUnion('type', [
  /** First line: the probe runs and how it was configured. */
  z.object({ type: z.literal('hello'), pid: z.number().int(), rateHz: z.number(), timeoutMs: z.number() }),
  /** The relay served its first block: the fixed schedule starts here (see prober.ts). */
  z.object({ type: z.literal('sampling'), at: z.number(), rateHz: z.number() }),
  z.object({ type: z.literal('samples'), samples: z.array(ProbeSample) }),
  /** The block stream (WebSocket) connected or dropped; blocks relayed while it is down are not seen. */
  z.object({ type: z.literal('stream'), connected: z.boolean() }),
  z.object({ type: z.literal('block'), ...BlockRelayed.shape }),
]);
export type ProbeLine = z.infer<typeof ProbeLine>;

/** Command-line flags of dist/relay/probe.mjs; the API key travels in the environment (not in ps). */
export const PROBE_KEY_ENV = 'SPRINT_PROBE_KEY';

export interface ProbeArgs {
  readonly apiUrl: string;
  readonly rateHz: number;
  readonly timeoutMs: number;
  readonly stream: boolean;
  readonly demoPeerUrl: string | null;
  /** Busy-wait before each send (ms, ≤ 2); 0 = timers only. */
  readonly spinMs?: number;
}

export function probeArgv(args: ProbeArgs): string[] {
  const argv = [
    '--api-url',
    args.apiUrl,
    '--rate',
    String(args.rateHz),
    '--timeout',
    String(args.timeoutMs),
    '--stream',
    args.stream ? 'on' : 'off',
  ];
  if (args.demoPeerUrl !== null) argv.push('--demo-peer-url', args.demoPeerUrl);
  if (args.spinMs) argv.push('--spin-ms', String(args.spinMs));
  return argv;
}

export class ProbeArgsError extends Error {
  override readonly name = 'ProbeArgsError';
}

const Args = z.object({
  apiUrl: z.url({ protocol: /^http$/ }),
  rateHz: z.coerce.number().min(0.1).max(1000),
  timeoutMs: z.coerce.number().int().min(1).max(60_000).default(1000),
  stream: z.enum(['on', 'off']).default('on'),
  demoPeerUrl: z
    .url({ protocol: /^http$/ })
    .nullable()
    .default(null),
  spinMs: z.coerce.number().min(0).max(2).default(0),
});

const FLAGS: Readonly<Record<string, keyof z.input<typeof Args>>> = {
  '--api-url': 'apiUrl',
  '--rate': 'rateHz',
  '--timeout': 'timeoutMs',
  '--stream': 'stream',
  '--demo-peer-url': 'demoPeerUrl',
  '--spin-ms': 'spinMs',
};

export function parseProbeArgv(argv: readonly string[]): ProbeArgs {
  const raw: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i] ?? '';
    const key = FLAGS[flag];
    const value = argv[i + 1];
    if (key === undefined) throw new ProbeArgsError(`unknown option ${flag}`);
    if (value === undefined) throw new ProbeArgsError(`${flag} needs a value`);
    raw[key] = value;
  }
  const parsed = Args.safeParse(raw);
  if (!parsed.success) {
    throw new ProbeArgsError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
  return { ...parsed.data, stream: parsed.data.stream === 'on' };
}
