import { z } from 'zod';
import { UpstreamSummary } from '../../../shared/relay-status';
import { httpGet } from './http-check';

/** The upstream part of a relay's /health; an external relay may omit it, which is not an error. */
const HealthUpstream = z.object({ upstream: UpstreamSummary });
const HealthVersion = z.object({ version: z.string().max(100) });

/**
 * The running relay's /health, polled by the supervisor while it runs: keeps what the status shows
 * (its upstream, its version) and says why the relay is degraded.
 */
export class RelayHealthPoller {
  upstream: UpstreamSummary | null = null;
  /** As the relay last reported it on /health: ours or an external binary's own. */
  version: string | null = null;

  private lastThrottledPoll = 0;

  /** @param onChange called when what the status shows has changed. */
  constructor(private readonly onChange: () => void) {}

  /** Reads /health once; returns why the relay is degraded (no ready upstream peer), or null. */
  async poll(healthUrl: string): Promise<string | null> {
    const { status, body } = await httpGet(healthUrl, 800);
    if (status !== 200) return `GET /health answered ${status}.`;
    const document: unknown = JSON.parse(body);
    this.version = HealthVersion.safeParse(document).data?.version ?? this.version;
    const parsed = HealthUpstream.safeParse(document);
    const upstream = parsed.success ? parsed.data.upstream : null;
    if (JSON.stringify(upstream) !== JSON.stringify(this.upstream)) {
      this.upstream = upstream;
      this.onChange();
    }
    if (upstream?.sync?.state === 'syncing') return null;
    if (!upstream || upstream.peers.some((peer) => peer.state === 'ready')) return null;
    const names = upstream.peers.map((peer) => `${peer.address} (${peer.state})`).join(', ');
    return `No upstream Bitcoin peer is connected${names ? `: ${names}` : ''}.`;
  }

  /** While the relay starts: at most one poll each 500 ms, for the sync progress the status shows. */
  pollThrottled(healthUrl: string): void {
    if (Date.now() - this.lastThrottledPoll < 500) return;
    this.lastThrottledPoll = Date.now();
    this.poll(healthUrl).catch(() => undefined);
  }
}
