import pidusage from 'pidusage';
import { z } from 'zod';
import type { ResourceUsage } from '../../../shared/metrics';
import { requestJson } from '../../../shared-node/http-get';

/** Only what we read from /health: lenient, because an external relay may report less. */
const HealthLoopDelay = z.object({
  runtime: z.object({ eventLoopDelayMs: z.object({ p99: z.number().nonnegative() }).partial() }).partial(),
});

export interface ResourceSamplerOptions {
  readonly relayPid: number;
  /** The probe restarts with a new pid; asked at every sample. */
  readonly probePid: () => number | null;
  /** The relay's health URL (…/health); null for a relay that has none. */
  readonly healthUrl: string | null;
  readonly intervalMs?: number;
}

async function usage(pid: number | null): Promise<{ cpu: number; rssMb: number } | null> {
  if (pid === null) return null;
  try {
    const s = await pidusage(pid);
    return { cpu: s.cpu, rssMb: s.memory / (1024 * 1024) };
  } catch {
    return null; // gone or restarting: a gap, not an error
  }
}

/**
 * CPU (% of one core) and RSS of the relay and the probe once a second (pidusage: /proc on Linux, ps
 * on macOS, wmic/gwmi on Windows), plus the relay's own event-loop delay from its /health.
 */
export class ResourceSampler {
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  private current: ResourceUsage | null = null;

  constructor(private readonly o: ResourceSamplerOptions) {}

  /** The last complete sample; null until the relay has been measured once. */
  get latest(): ResourceUsage | null {
    return this.current;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.sample(), this.o.intervalMs ?? 1000);
    this.timer.unref();
    void this.sample();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.current = null;
  }

  /** One measurement now (also what the timer runs). Overlapping calls are skipped. */
  async sample(): Promise<ResourceUsage | null> {
    if (this.busy) return this.current;
    this.busy = true;
    try {
      const [relay, probe, loopDelay] = await Promise.all([
        usage(this.o.relayPid),
        usage(this.o.probePid()),
        this.loopDelay(),
      ]);
      this.current = relay
        ? {
            relayCpuPercent: relay.cpu,
            relayRssMb: relay.rssMb,
            relayEventLoopDelayMs: loopDelay,
            probeCpuPercent: probe?.cpu ?? null,
            probeRssMb: probe?.rssMb ?? null,
          }
        : null;
      return this.current;
    } finally {
      this.busy = false;
    }
  }

  private async loopDelay(): Promise<number | null> {
    if (!this.o.healthUrl) return null;
    try {
      const parsed = HealthLoopDelay.safeParse(
        (await requestJson(this.o.healthUrl, { timeoutMs: 500, agent: false })).body,
      );
      return parsed.success ? (parsed.data.runtime?.eventLoopDelayMs?.p99 ?? null) : null;
    } catch {
      return null;
    }
  }
}
